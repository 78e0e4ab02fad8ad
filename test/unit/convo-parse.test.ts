import { describe, expect, it } from 'vitest';
import { formatIssue, parseConvo, toRegExp } from '../../src/core/convo/parse.js';
import { parseDuration } from '../../src/core/duration.js';

function issues(yaml: string): string[] {
  const r = parseConvo(yaml, 'f.convo.yaml');
  if (r.ok) throw new Error('expected the file to be refused');
  return r.issues.map(formatIssue);
}

function file(yaml: string) {
  const r = parseConvo(yaml, 'dir/weather.convo.yaml');
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.file;
}

const DESIGN_EXAMPLE = `name: weather bot
bot: weather-bot
app: { id: myapp, region: eu, apiKey: KEY }
groupChatSetting: allMessages
as: alice
within: 3s
ackWithin: 1s
users: [{ uid: dave, name: Dave }]
groups: [{ guid: support, members: [alice, bob] }]
tests:
  - name: asks for a city
    steps:
      - user: hello
      - bot: { contains: city }
      - user: weather of Paris
      - bot: { matches: "^Weather in Paris", within: 2s }
      - bot: none
  - name: answers in the group when mentioned
    steps:
      - user: { text: "weather of Oslo", group: support, as: bob, mention: [weather-bot] }
      - bot: { to: group, receiver: support, contains: Oslo }
  - name: replies once when CometChat redelivers
    steps:
      - user: hi
      - bot: any
      - redeliver: last
      - bot: none
  - name: retries a rate-limited reply
    steps:
      - fault: { status: 429, code: ERR_TOO_MANY_REQUESTS, retryAfter: 1, times: 1 }
      - user: hi
      - bot: { any: true, within: 5s }
`;

describe('parseConvo: the file DESIGN.md shows', () => {
  it('reads every key with defaults and positions', () => {
    const f = file(DESIGN_EXAMPLE);
    expect(f).toMatchObject({ name: 'weather bot', bot: 'weather-bot', botPos: { line: 2, column: 6 }, app: { id: 'myapp', region: 'eu', apiKey: 'KEY' }, groupChatSetting: 'allMessages' });
    expect(f.users).toEqual([{ uid: 'dave', name: 'Dave' }]);
    expect(f.groups).toEqual([{ guid: 'support', name: 'support', members: ['alice', 'bob'], bot: true }]);
    expect(f.tests.map((t) => t.name)).toEqual(['asks for a city', 'answers in the group when mentioned', 'replies once when CometChat redelivers', 'retries a rate-limited reply']);
    const [first, group, , fault] = f.tests;
    expect(first).toMatchObject({ as: 'alice', within: 3000, ackWithin: 1000, pos: { line: 11, column: 5 } });
    expect(first!.steps.map((s) => [s.kind, s.pos.line, s.pos.column])).toEqual([
      ['user', 13, 9],
      ['bot', 14, 9],
      ['user', 15, 9],
      ['bot', 16, 9],
      ['none', 17, 9],
    ]);
    expect(first!.steps[3]).toMatchObject({ within: 2000, expect: { matches: /^Weather in Paris/ } });
    expect(first!.steps[4]).toMatchObject({ within: 3000 });
    expect(group!.steps[0]).toMatchObject({ kind: 'user', as: 'bob', group: 'support', mention: ['weather-bot'], text: 'weather of Oslo' });
    expect(fault!.steps[0]).toEqual({ kind: 'fault', pos: { line: 30, column: 9 }, status: 429, code: 'ERR_TOO_MANY_REQUESTS', retryAfter: 1, times: 1 });
  });

  it('reads the same structure written as JSON, with positions', () => {
    const f = file('{"bot": "b1", "tests": [{"name": "x", "steps": [{"user": "hi"}, {"bot": {"text": "yo"}}]}]}');
    expect(f.bot).toBe('b1');
    expect(f.tests[0]!.steps[1]).toMatchObject({ kind: 'bot', expect: { text: 'yo' }, pos: { line: 1, column: 65 } });
  });

  it('uses the defaults: bot test-bot, alice, 5s, 2s, mentionedMessages, file name as suite', () => {
    const f = file('tests:\n  - name: x\n    steps: [{ user: hi }]\n');
    expect(f).toMatchObject({ name: 'weather', bot: 'test-bot', groupChatSetting: 'mentionedMessages' });
    expect(f.tests[0]).toMatchObject({ as: 'alice', within: 5000, ackWithin: 2000, allowExtraReplies: false });
  });

  it('takes run-wide defaults for the budgets a file does not set', () => {
    const r = parseConvo('within: 1s\ntests:\n  - name: x\n    ackWithin: 3s\n    steps: [{ user: hi }]\n', 'f.convo.yaml', { within: 9000, ackWithin: 9000 });
    expect(r.ok && r.file.tests[0]).toMatchObject({ within: 1000, ackWithin: 3000 });
    const d = parseConvo('tests:\n  - name: x\n    steps: [{ user: hi }]\n', 'f.convo.yaml', { within: 9000, ackWithin: 7000 });
    expect(d.ok && d.file.tests[0]).toMatchObject({ within: 9000, ackWithin: 7000 });
  });
});

describe('parseConvo: every problem is one line naming file:line:column', () => {
  it('an unknown key, with the key it probably meant', () => {
    expect(issues('tests:\n  - name: x\n    steps:\n      - bot: { contians: hi }\n')).toEqual([
      'f.convo.yaml:4:16: unknown key "contians" in a bot step (did you mean "contains"?); allowed: any, text, contains, matches, type, category, to, receiver, thread, json, within, eventually, save, check, none',
    ]);
    expect(issues('test:\n  - name: x\n')[0]).toBe('f.convo.yaml:1:1: unknown key "test" in the file (did you mean "tests"?); allowed: name, bot, app, groupChatSetting, as, within, ackWithin, allowExtraReplies, users, groups, fragments, tests');
  });

  it('a bad duration', () => {
    expect(issues('within: soon\ntests:\n  - name: x\n    steps: [{ wait: 2 sec }]\n')).toEqual([
      'f.convo.yaml:1:9: within: "soon" is not a duration (write 250ms, 2s, 1.5s or a number of milliseconds)',
      'f.convo.yaml:4:21: wait: "2 sec" is not a duration (write 250ms, 2s, 1.5s or a number of milliseconds)',
    ]);
  });

  it('a bot step with no matcher, and a bare text where a matcher belongs', () => {
    expect(issues('tests:\n  - name: x\n    steps:\n      - bot: {}\n      - bot: hello\n')).toEqual([
      'f.convo.yaml:4:14: a bot step needs at least one check (text, contains, matches, type, category, to, receiver, thread, json) or any: true',
      'f.convo.yaml:5:14: bot takes "any", "none" or a map of checks (text, contains, matches, type, category, to, …); for an exact text write bot: { text: "hello" }',
    ]);
  });

  it('an unknown user or group, and a sender who is not a member', () => {
    expect(issues('groups: [{ guid: g1, members: [alice] }]\ntests:\n  - name: x\n    steps:\n      - user: { text: hi, as: zed }\n      - user: { text: hi, group: nope }\n      - user: { text: hi, group: g1, as: bob }\n')).toEqual([
      'f.convo.yaml:5:31: unknown user "zed": add it under users: (known: alice, bob, carol, test-bot)',
      'f.convo.yaml:6:34: unknown group "nope": declare it under groups: (known: team, g1)',
      'f.convo.yaml:7:34: bob is not a member of group g1 (members: alice); CometChat refuses such a message',
    ]);
    expect(issues('groups: [{ guid: g1, members: [mallory] }]\ntests:\n  - name: x\n    steps: [{ user: hi }]\n')[0]).toBe('f.convo.yaml:1:31: group g1: unknown user "mallory": add it under users: (known: alice, bob, carol, test-bot)');
  });

  it('YAML syntax errors keep their position', () => {
    expect(issues('tests:\n  - name: "x\n')).toEqual(['f.convo.yaml:3:1: not valid YAML: Missing closing "quote']);
    expect(issues('tests:\n  - name: x\n    steps: [a, b\n')[0]).toMatch(/^f\.convo\.yaml:4:1: not valid YAML: /);
  });

  it('steps, cases and values of the wrong shape', () => {
    expect(issues('tests: []\n')).toEqual(['f.convo.yaml:1:8: tests must be a list of cases, each with a name and steps']);
    expect(issues('name: x\n')).toEqual(['f.convo.yaml:1:1: the file has no tests: add "tests:" with at least one case (name and steps)']);
    expect(issues('tests:\n  - name: x\n    steps:\n      - say: hi\n')[0]).toBe('f.convo.yaml:4:9: unknown key "say" in a step; allowed: user, bot, redeliver, fault, wait, include');
    expect(issues('tests:\n  - name: x\n    steps:\n      - { user: hi, bot: any }\n')[0]).toMatch(/^f\.convo\.yaml:4:9: a step is one of "user:", "bot:"/);
    expect(issues('tests:\n  - name: x\n    steps: [{ redeliver: first }]\n')[0]).toBe('f.convo.yaml:3:26: redeliver takes "last" (the last callback, sent again with the same data.id)');
    expect(issues('tests:\n  - name: x\n    steps: [{ fault: { status: 200 } }]\n')[0]).toBe('f.convo.yaml:3:32: fault status must be a whole number from 400 to 599');
    expect(issues('tests:\n  - name: x\n    steps: [{ bot: { matches: "(" } }]\n')[0]).toMatch(/^f\.convo\.yaml:3:31: matches: invalid regular expression/);
    expect(issues('tests:\n  - name: x\n    steps: [{ user: hi }]\n  - name: x\n    steps: [{ user: hi }]\n')[0]).toBe('f.convo.yaml:4:5: two cases are named "x": give each case its own name');
    expect(issues('groupChatSetting: some\ntests:\n  - name: x\n    steps: [{ user: hi }]\n')[0]).toBe('f.convo.yaml:1:19: groupChatSetting "some" is not one of allMessages, slashedMessages, mentionedMessages, none');
    expect(issues('bot: "my bot"\ntests:\n  - name: x\n    steps: [{ user: hi }]\n')[0]).toBe('f.convo.yaml:1:6: bot "my bot" is not a valid uid (letters, digits, - and _, under 50 characters)');
    expect(issues('tests:\n  - name: x\n    steps: [{ user: { as: bob } }]\n')[0]).toBe('f.convo.yaml:3:21: a user step needs text (or custom, or attachment)');
  });

  it('reports every problem of a file at once', () => {
    expect(issues('within: x\nackWithin: y\ntests:\n  - name: a\n    steps: [{ bot: {} }]\n')).toHaveLength(3);
  });
});

describe('durations and regular expressions', () => {
  it('parses 250ms, 2s, 1.5s and plain milliseconds; refuses the rest', () => {
    expect(['250ms', '2s', '1.5s', 1200, '300', ' 2 s '].map(parseDuration)).toEqual([250, 2000, 1500, 1200, 300, 2000]);
    expect(['soon', '-1s', -5, '1h', null, '2 sec'].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
  it('takes /pattern/flags or a bare pattern', () => {
    expect(toRegExp('/^hi/i').test('HI there')).toBe(true);
    expect(toRegExp('^hi').test('HI')).toBe(false);
    expect(toRegExp('a/b').test('a/b')).toBe(true);
  });
});

describe('aliases and sizes', () => {
  it('resolves a YAML alias to the anchored value everywhere (metadata maps, texts)', () => {
    const r = parseConvo(`bot: b\ntests:\n  - name: x\n    steps:\n      - user: { text: &greet hello, metadata: &meta { plan: pro, tier: 2 } }\n      - bot: any\n      - user: { text: *greet, metadata: *meta }\n      - bot: any\n`, 'a.convo.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const users = r.file.tests[0]!.steps.filter((s) => s.kind === 'user');
    expect(users.map((s) => [s.text, s.metadata])).toEqual([['hello', { plan: 'pro', tier: 2 }], ['hello', { plan: 'pro', tier: 2 }]]);
  });

  it('refuses a user step over 64 KiB at parse time, naming the line', () => {
    const r = parseConvo(`bot: b\ntests:\n  - name: x\n    steps:\n      - user: ${'x'.repeat(70 * 1024)}\n      - bot: any\n`, 'a.convo.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ file: 'a.convo.yaml', line: 5, column: 15, message: 'the text is 70 KiB: a user step sends at most 64 KiB' }]);
  });

  it('refuses an alias bomb', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const r = parseConvo(`bot: b\ntests:\n  - name: x\n    steps:\n      - user: { text: hi, metadata: { ${levels.join(', ').replace(/: &/g, ': &')} } }\n      - bot: any\n`, 'a.convo.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toBe("aliases copy more than 20000 values: use fewer");
  });
});

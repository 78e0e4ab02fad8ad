// Real conversation files against real local bots: a correct bot passes, each kind of wrong bot fails
// with the message that says what it did wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConvo } from '../../src/core/convo/parse.js';
import { TestRun } from '../../src/testing/run.js';
import type { CaseResult, RunSummary } from '../../src/testing/results.js';
import { echo, startBot, type Behaviour, type TestBot } from '../helpers/bots.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const CREDS = { username: 'cometbotT3ST01', password: 'p4ssw0rd-for-the-callback-000001' };

async function run(yaml: string, behaviour: Behaviour = {}, options: { failFast?: boolean; credentials?: typeof CREDS | null } = {}): Promise<{ cases: CaseResult[]; summary: RunSummary; bot: TestBot }> {
  const parsed = parseConvo(yaml, 'case.convo.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  const bot = await startBot(behaviour);
  cleanups.push(() => bot.close());
  const testRun = new TestRun({
    files: [parsed.file],
    botUrl: bot.url,
    apiPort: 0,
    credentials: options.credentials === undefined ? CREDS : options.credentials,
    app: { appId: 'emulator', region: 'us', apiKey: 'test-key', anyApiKey: false },
    failFast: options.failFast,
  });
  cleanups.push(() => testRun.close());
  const { apiUrl } = await testRun.start();
  bot.apiUrl = apiUrl;
  const cases: CaseResult[] = [];
  testRun.on('case', (c) => cases.push(c));
  const summary = await testRun.run();
  return { cases, summary, bot };
}

const ONE_TO_ONE = `
bot: echo-bot
within: 1s
tests:
  - name: echoes
    steps:
      - user: hello
      - bot: { text: "echo: hello", to: user, receiver: alice }
`;

describe('cometbot test against a correct bot', () => {
  it('passes, signs every callback with Basic Auth and records ack and reply latency', async () => {
    const { cases, summary, bot } = await run(ONE_TO_ONE);
    expect(cases.map((c) => [c.name, c.status])).toEqual([['echoes', 'passed']]);
    expect(summary).toMatchObject({ passed: 1, failed: 0, skipped: 0 });
    expect(summary.ack.p50).not.toBeNull();
    expect(summary.reply.p50).not.toBeNull();
    expect(bot.authorizations).toEqual([`Basic ${Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64')}`]);
    expect(bot.callbacks[0]).toMatchObject({ trigger: 'after_message', bot: 'echo-bot', data: { sender: 'alice', receiver: 'echo-bot', data: { text: 'hello' } } });
    expect(cases[0]!.transcript.map((t) => t.text)).toEqual(['alice → echo-bot: hello', expect.stringMatching(/^ {2}callback #\d+ \(data\.id \d+\) → 200 in \d+ ms$/), expect.stringMatching(/^echo-bot → alice: echo: hello \(\d+ ms\)$/)]);
  });

  it('routes group messages by the bot’s groupChatSetting and says why one was not relayed', async () => {
    const { cases, bot } = await run(`
bot: echo-bot
within: 1s
groups: [{ guid: support, members: [alice, bob] }]
tests:
  - name: group
    steps:
      - user: { text: "no mention", group: support, as: bob }
      - bot: { none: true, within: 150ms }
      - user: { text: "hi there", group: support, as: bob, mention: [echo-bot] }
      - bot: { to: group, receiver: support, text: "echo: hi there" }
`);
    expect(cases[0]!.status).toBe('passed');
    expect(bot.callbacks).toHaveLength(1);
    expect(bot.callbacks[0]!.data.data).toMatchObject({ text: '<@uid:echo-bot> hi there', mentions: { 'echo-bot': expect.objectContaining({ uid: 'echo-bot' }) } });
    expect(cases[0]!.transcript.map((t) => t.text)).toContain('  not relayed to echo-bot: bot echo-bot has groupChatSetting mentionedMessages and the message does not mention <@uid:echo-bot>');
  });

  it('does not relay group messages to a bot that is not a member', async () => {
    const { cases, bot } = await run(`
bot: echo-bot
groupChatSetting: allMessages
groups: [{ guid: lounge, members: [alice], bot: false }]
tests:
  - name: not a member
    steps:
      - user: { text: "hello", group: lounge }
      - bot: { none: true, within: 100ms }
`);
    expect(cases[0]!.status).toBe('passed');
    expect(bot.callbacks).toHaveLength(0);
    expect(cases[0]!.transcript.at(-1)!.text).toBe('  not relayed to echo-bot: bot echo-bot is not a member of group lounge');
  });

  it('answers a redelivery once, and matches custom messages, threads and json paths', async () => {
    const { cases } = await run(
      `
bot: echo-bot
within: 1s
tests:
  - name: redelivered
    steps:
      - user: hi
      - bot: any
      - redeliver: last
      - bot: { none: true, within: 150ms }
  - name: custom and thread
    steps:
      - user: { custom: { type: poll, data: { q: lunch } } }
      - bot: { category: custom, type: answer, json: { data.customData.answer: 42, data.customData.note: "/^ok/" } }
      - user: { text: more, thread: last }
      - bot: { contains: [more] }
`,
      {
        replies: (cb) =>
          cb.data.category === 'custom'
            ? [{ receiver: cb.data.sender, receiverType: 'user', category: 'custom', type: 'answer', data: { customData: { answer: 42, note: 'ok then' } } }]
            : echo(cb),
      },
    );
    expect(cases.map((c) => [c.name, c.status, c.failure?.message])).toEqual([
      ['redelivered', 'passed', undefined],
      ['custom and thread', 'passed', undefined],
    ]);
  });

  it('honours a fault: the bot’s next REST call is refused as asked, and the refusal is expected', async () => {
    const { cases } = await run(
      `
bot: echo-bot
tests:
  - name: rate limited
    steps:
      - fault: { status: 429, code: ERR_TOO_MANY_REQUESTS, retryAfter: 0 }
      - user: hi
      - bot: { text: "echo: hi", within: 1s }
`,
      { replies: (cb) => [...echo(cb), ...echo(cb)] }, // the first send meets the fault, the second gets through
    );
    expect(cases[0]!.status).toBe('passed');
    expect(cases[0]!.refused).toEqual([]);
    expect(cases[0]!.transcript.map((t) => t.text)).toContainEqual(expect.stringContaining('429 ERR_TOO_MANY_REQUESTS (injected fault)'));
  });

  it('starts each case from a fresh state while message ids keep increasing', async () => {
    const { cases, bot } = await run(`
bot: echo-bot
within: 1s
tests:
  - name: one
    steps: [{ user: a }, { bot: any }]
  - name: two
    steps: [{ user: b }, { bot: any }]
`);
    expect(cases.map((c) => c.status)).toEqual(['passed', 'passed']);
    const ids = bot.callbacks.map((c) => Number(c.data.id));
    expect(ids[1]).toBeGreaterThan(ids[0]!);
  });
});

describe('cometbot test against wrong bots', () => {
  it('wrong text: the step fails with - expected / + actual', async () => {
    const { cases } = await run(ONE_TO_ONE, { replies: (cb) => [{ receiver: cb.data.sender, receiverType: 'user', text: 'Hi!' }] });
    const f = cases[0]!.failure!;
    expect(f).toMatchObject({ message: "the bot's message does not match: text", line: 8, column: 9, kind: 'bot' });
    expect(f.diff.slice(0, 2)).toEqual(['- text: "echo: hello"', '+ text: "Hi!"']);
  });

  it('no reply: the bot step fails when its budget runs out', async () => {
    const { cases } = await run(ONE_TO_ONE.replace('within: 1s', 'within: 200ms'), { replies: () => [] });
    expect(cases[0]!.failure).toMatchObject({ message: 'no bot message within 200ms', kind: 'bot', diff: ['- a bot message with text "echo: hello", to user, receiver alice', '+ nothing within 200ms'] });
  });

  it('a slow ack fails the case even when the reply is right', async () => {
    const { cases } = await run(ONE_TO_ONE.replace('within: 1s', 'within: 1s\nackWithin: 100ms'), { ackDelayMs: 300 });
    expect(cases[0]!.failure!.message).toMatch(/^the bot answered the callback after \d+ ms \(ackWithin 100ms\): ack first, then reply$/);
    expect(cases[0]!.failure!.line).toBe(8); // the user step (ackWithin added a line above it)
  });

  it('an ack that never comes within the relay timeout is reported as no answer', async () => {
    const { cases } = await run(ONE_TO_ONE.replace('within: 1s', 'ackWithin: 50ms'), { ackDelayMs: 2_000 });
    expect(cases[0]!.failure!.message).toBe('the bot did not answer the callback: no answer within 1050 ms');
  });

  it('a 500 ack fails the case', async () => {
    const { cases } = await run(ONE_TO_ONE, { ackStatus: 500 });
    expect(cases[0]!.failure).toMatchObject({ message: 'the bot answered the callback 500 (CometChat expects 2xx)', kind: 'user' });
  });

  it('a double reply on redelivery fails the bot: none step', async () => {
    const { cases } = await run(
      `
bot: echo-bot
tests:
  - name: redelivered
    steps:
      - user: hi
      - bot: any
      - redeliver: last
      - bot: { none: true, within: 10s }
`,
      { dedupe: false },
    );
    // The step fails the moment the second reply comes: a generous budget costs nothing, and bets on no timing.
    expect(cases[0]!.failure).toMatchObject({ message: 'the bot sent a message where none was expected (within 10s)', line: 9, diff: ['- no bot message', '+ echo-bot → alice: echo: hi'] });
  });

  it('a reply to itself (data.receiver in a one-to-one chat) fails the case', async () => {
    const { cases } = await run(
      `
bot: echo-bot
tests:
  - name: self
    steps:
      - user: hi
      - bot: any
`,
      { replies: (cb) => [{ receiver: cb.data.receiver, receiverType: 'user', text: 'to me' }] },
    );
    expect(cases[0]!.failure!.message).toBe('the bot echo-bot sent a message to itself (reply to data.sender, not data.receiver, in a one-to-one chat)');
  });

  it('a reply to the wrong receiver fails the receiver check', async () => {
    const { cases } = await run(ONE_TO_ONE, { replies: () => [{ receiver: 'bob', receiverType: 'user', text: 'echo: hello' }] });
    expect(cases[0]!.failure!.diff.slice(0, 2)).toEqual(['- receiver: alice', '+ receiver: bob']);
  });

  it('a refused REST call fails the case with CometChat’s error code', async () => {
    const { cases } = await run(
      `
bot: echo-bot
tests:
  - name: empty text
    steps:
      - user: hi
      - bot: { none: true, within: 5s }
`,
      { replies: (cb) => [{ receiver: cb.data.sender, receiverType: 'user', text: '' }] },
    );
    expect(cases[0]!.failure).toMatchObject({ message: 'the bot made a REST call CometChat refuses: POST /v3/bots/echo-bot/messages → 400 ERR_EMPTY_MESSAGE_TEXT (The message text is empty.)', kind: 'bot: none' });
    expect(cases[0]!.refused).toEqual([{ method: 'POST', path: '/v3/bots/echo-bot/messages', status: 400, errorCode: 'ERR_EMPTY_MESSAGE_TEXT', errorMessage: 'The message text is empty.' }]);
  });

  it('an unexpected extra reply fails the case unless allowExtraReplies is set', async () => {
    // Both replies come before the ack, so both have arrived when the case ends.
    const twice = { replies: (cb: Parameters<typeof echo>[0]) => [...echo(cb), ...echo(cb)], replyBeforeAck: true };
    const yaml = `
bot: echo-bot
tests:
  - name: chatty
    steps:
      - user: hi
      - bot: any
`;
    const strict = await run(yaml, twice);
    expect(strict.cases[0]!.failure!.message).toBe('the bot sent a message no step expected (add a bot step, or allowExtraReplies: true)');
    const lenient = await run(yaml.replace('bot: echo-bot', 'bot: echo-bot\nallowExtraReplies: true'), twice);
    expect(lenient.cases[0]!.status).toBe('passed');
  });

  it('--fail-fast stops after the first failing case', async () => {
    const { cases, summary } = await run(
      `
bot: echo-bot
within: 150ms
tests:
  - name: one
    steps: [{ user: a }, { bot: { text: nope } }]
  - name: two
    steps: [{ user: b }, { bot: any }]
`,
      {},
      { failFast: true },
    );
    expect(cases.map((c) => c.status)).toEqual(['failed']);
    expect(summary).toMatchObject({ failed: 1, notRun: 1 });
  });

  it('sends no Authorization header when there are no credentials', async () => {
    const { bot } = await run(ONE_TO_ONE, {}, { credentials: null });
    expect(bot.authorizations).toEqual([undefined]);
  });
});

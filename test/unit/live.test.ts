import { describe, expect, it } from 'vitest';
import { LiveNames, groupsOf, usersOf } from '../../src/testing/live/names.js';
import { emulatorOnlyReason } from '../../src/testing/live/emulator-only.js';
import { checkLiveFlags, resolveLiveApp } from '../../src/testing/live/live-options.js';
import { parseConvo } from '../../src/core/convo/parse.js';
import type { ConvoFile } from '../../src/core/convo/model.js';

function file(text: string): ConvoFile {
  const parsed = parseConvo(text, 't.convo.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.file;
}

describe('test --live: names on the wire', () => {
  const names = new LiveNames('cbt-', 'k3x9aa', 'Weather-Bot');
  it('prefixes users, makes groups per run, keeps the bot, and maps every name back', () => {
    expect(names.user('alice')).toBe('cbt-alice');
    expect(names.user('weather-bot')).toBe('Weather-Bot');
    expect(names.group('support')).toBe('cbt-k3x9aa-support');
    expect(names.fileUser('cbt-alice')).toBe('alice');
    expect(names.fileGroup('cbt-k3x9aa-support')).toBe('support');
    expect(names.fileGroup('someone-elses')).toBe('someone-elses');
    expect(names.fileUser('cbt-zed')).toBe('cbt-zed'); // not a name this run gave out
  });

  it('maps back the file\'s own spelling, whatever case the prefix or the uid has (CometChat keeps uids lower-case)', () => {
    const upper = new LiveNames('QA-', 'k3x9aa', 'helper');
    expect(upper.user('Alice')).toBe('qa-alice');
    expect(upper.fileUser('qa-alice')).toBe('Alice');
    expect(upper.group('Support')).toBe('qa-k3x9aa-support');
    expect(upper.fileGroup('qa-k3x9aa-support')).toBe('Support');
    expect(names.mentions('<@uid:Weather-Bot> ask <@uid:bob>')).toBe('<@uid:Weather-Bot> ask <@uid:cbt-bob>');
  });

  it('users are those a case speaks as, mentions or puts in a used group, with the file\'s names; groups only those sent to', () => {
    const f = file(`bot: b
users: [{ uid: dave, name: Dave D }]
groups: [{ guid: ops, members: [dave, carol] }, { guid: unused, members: [bob] }]
tests:
  - name: one
    steps:
      - user: { text: hi, group: ops, as: dave, mention: [b, bob] }
      - bot: any
  - name: two
    as: alice
    steps:
      - user: { text: hi, group: team }
      - bot: any
`);
    const groups = groupsOf([f]);
    expect(groups.map((g) => g.guid).sort()).toEqual(['ops', 'team']);
    expect([...usersOf([f], groups)].sort()).toEqual([['alice', 'alice'], ['bob', 'bob'], ['carol', 'carol'], ['dave', 'Dave D']]);
  });
});

describe('test --live: what only the emulator can do', () => {
  it('skips a case with a fault, a redelivery or its own ackWithin, naming the line', () => {
    const f = file(`bot: b
ackWithin: 1s
tests:
  - name: fault
    steps: [{ fault: { status: 429, code: ERR_TOO_MANY_REQUESTS, times: 1 } }, { user: hi }, { bot: any }]
  - name: again
    steps: [{ user: hi }, { bot: any }, { redeliver: last }]
  - name: timed
    ackWithin: 500ms
    steps: [{ user: hi }, { bot: any }]
  - name: plain
    steps: [{ user: hi }, { bot: any }]
  - name: skipped
    skip: not today
    steps: [{ redeliver: last }]
`);
    expect(f.tests.map(emulatorOnlyReason)).toEqual([
      'emulator only: the fault step (line 5) cannot be injected into a real app',
      'emulator only: the redeliver step (line 7) needs the callback, which only the emulator delivers',
      "emulator only: ackWithin (the bot's answer to a callback is timed only by the emulator)",
      undefined,
      undefined,
    ]);
  });
});

describe('test --live: options', () => {
  it('flags beat env beats the profile; the base URL is CometChat\'s unless COMETBOT_API_URL or the profile says', () => {
    expect(resolveLiveApp({ live: true }, { appId: 'envapp', apiKey: 'k' }, { appId: 'profapp', region: 'eu', apiKey: 'pk' }, 'default')).toEqual({ appId: 'envapp', region: 'eu', apiKey: 'k', baseUrl: 'https://envapp.api-eu.cometchat.io/v3', prefix: 'cbt-', keep: false });
    expect(resolveLiveApp({ live: true, region: 'US', livePrefix: 'QA_', keep: true }, { appId: 'a', apiKey: 'k', apiUrl: 'http://127.0.0.1:4747/v3/' }, undefined, 'default')).toMatchObject({ region: 'us', baseUrl: 'http://127.0.0.1:4747/v3', prefix: 'qa_', keep: true });
  });

  it('names everything missing, and never the key', () => {
    expect(() => resolveLiveApp({ live: true }, {}, undefined, 'default')).toThrow('--live needs the app id (COMETCHAT_APP_ID), the region (COMETCHAT_REGION), the REST API key (COMETCHAT_API_KEY)');
    expect(() => resolveLiveApp({ live: true }, { appId: 'a', region: 'eu' }, { appId: 'a' }, 'staging')).toThrow('--live needs the REST API key (COMETCHAT_API_KEY) (not in profile "staging" either)');
    expect(() => resolveLiveApp({ live: true }, { appId: 'a', region: 'mars', apiKey: 'k' }, undefined, 'default')).toThrow('invalid region "mars"');
  });

  it('refuses what does not apply with --live, and --live-prefix/--keep without it', () => {
    expect(() => checkLiveFlags({ live: true }, true)).toThrow('--live and -- COMMAND do not go together');
    expect(() => checkLiveFlags({ live: true, apiPort: '4747' }, false)).toThrow('--api-port does not apply with --live');
    expect(() => checkLiveFlags({ live: true, ackWithin: '1s' }, false)).toThrow('--ack-within does not apply with --live');
    expect(() => checkLiveFlags({ keep: true }, false)).toThrow('--keep is for --live');
    expect(() => checkLiveFlags({ live: true, keep: true, livePrefix: 'x-' }, false)).not.toThrow();
  });
});

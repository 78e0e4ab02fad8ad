// The listen session as the lifecycle object commands hold: its events, its start-up failure, its close.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenSession, type ListenSessionOptions } from '../../src/listen/session.js';
import { createCometChatClient } from '../../src/adapters/cometchat-client.js';
import { CALLBACK, tempHome } from '../helpers/deps.js';
import { post } from '../helpers/listen.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

const AUTH = { authorization: `Basic ${Buffer.from(`${CALLBACK.username}:${CALLBACK.password}`).toString('base64')}`, 'content-type': 'application/json' };
let emulator: Emulator | undefined;
const sessions: ListenSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close(100);
  await emulator?.close();
  emulator = undefined;
});

function session(extra: Partial<ListenSessionOptions> = {}): ListenSession {
  const s = new ListenSession({ host: '127.0.0.1', port: 0, path: '/', credentials: CALLBACK, capturesDir: `${tempHome()}/captures`, runTag: 'sess01', now: () => new Date(), register: false, cleanup: false, apiIsLocal: false, ...extra });
  sessions.push(s);
  return s;
}

describe('ListenSession', () => {
  it('emits request and rejected after the ack, and closes with the counts', async () => {
    const s = session();
    const ready = await s.start();
    expect(ready).toMatchObject({ localUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), publicUrl: null, captureFile: expect.stringMatching(/sess01\.jsonl$/) });
    const accepted = new Promise((r) => s.once('request', r));
    const rejected = new Promise((r) => s.once('rejected', r));
    expect((await post(ready.localUrl, '{"data":{"id":"1"}}', AUTH)).status).toBe(200);
    expect((await post(ready.localUrl, '{}', { 'content-type': 'application/json' })).status).toBe(401);
    expect(await accepted).toMatchObject({ record: { verdict: 'accepted', status: 200 } });
    expect(await rejected).toMatchObject({ verdict: 'rejected', status: 401 });
    const summary = await s.close();
    expect(summary).toEqual({ accepted: 1, rejected: 1, duplicates: 0, captureFailures: 0, captureFile: ready.captureFile, redeliveries: [] });
    expect(await s.close()).toBe(summary); // idempotent
  });

  it('registers the local webhook when the API is local, echoes, and on close disables the bot before closing the store', async () => {
    emulator = await startEmulator();
    emulator.backend.users.create({ uid: 'helper', name: 'Helper' });
    emulator.backend.bots.create('helper', { enabled: false, groupChatSetting: 'none', useBasicAuth: true, ...CALLBACK });
    const client = createCometChatClient({ baseUrl: emulator.baseUrl, apiKey: TEST_KEY, version: 'test' });
    const s = session({ client: () => client, botUid: 'helper', register: true, cleanup: true, apiIsLocal: true, echo: true });
    const events: string[] = [];
    s.on('registered', (r) => events.push(`registered ${r.enabled}`));
    s.on('reply', () => events.push('reply'));
    const ready = await s.start();
    expect(emulator.backend.bots.find('helper')).toMatchObject({ webhookURL: ready.localUrl, enabled: true });
    const replied = new Promise((r) => s.once('reply', r));
    emulator.userSays('alice', { receiver: 'helper', receiverType: 'user' }, 'ping');
    await replied;
    await s.close();
    expect(events).toEqual(['registered true', 'reply', 'registered false']);
    expect(emulator.backend.bots.find('helper')!.enabled).toBe(false);
  });

  it('a start-up failure closes what was started: the callback port is free again', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const s = session({ inspectPort: port });
    let localUrl = '';
    const start = s.server.start.bind(s.server);
    s.server.start = async () => {
      const r = await start();
      localUrl = r.url;
      return r;
    };
    await expect(s.start()).rejects.toThrow(`inspector port ${port} is already in use`);
    blocker.close();
    expect(localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The callback server had started; now nothing listens there: a connection is refused.
    await expect(fetch(localUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

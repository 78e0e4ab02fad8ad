import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import { passesGroupSetting, type Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
let bot: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  bot?.closeAllConnections();
  bot?.close();
  emulator = bot = undefined;
});

interface Received {
  body: any;
  auth?: string;
}

/** A bot callback endpoint; `statuses` are answered in order (then 200). */
async function botServer(statuses: number[] = []): Promise<{ url: string; received: Received[]; next: () => Promise<Received> }> {
  const received: Received[] = [];
  const waiters: ((r: Received) => void)[] = [];
  bot = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const r = { body: JSON.parse(text), auth: req.headers.authorization };
      received.push(r);
      waiters.shift()?.(r);
      res.writeHead(statuses.shift() ?? 200).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => bot!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/cb`;
  return { url, received, next: () => new Promise((r) => waiters.push(r)) };
}

function api(e: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${e.baseUrl}${path}`, { method, headers: { apikey: TEST_KEY, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
}

async function withBot(e: Emulator, url: string, settings: Record<string, unknown> = {}) {
  await api(e, 'POST', '/users', { uid: 'helper', name: 'Helper' });
  await api(e, 'POST', '/bots', { uid: 'helper', webhookURL: url, enabled: true, useBasicAuth: true, username: 'cbuser', password: 'cbpassword123', groupChatSetting: 'allMessages', ...settings });
  await api(e, 'POST', '/groups/team/members', { participants: ['helper'] });
}

const say = (e: Emulator, from: string, body: Record<string, unknown>) => api(e, 'POST', '/messages', { category: 'message', type: 'text', ...body }, { onBehalfOf: from });

describe('emulator relay', () => {
  it('POSTs a user message to the bot with Basic Auth in the documented payload shape', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url);
    const got = b.next();
    const sent = await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'hi bot' } });
    expect(sent.status).toBe(200);
    const r = await got;
    expect(r.auth).toBe(`Basic ${Buffer.from('cbuser:cbpassword123').toString('base64')}`);
    expect(r.body).toMatchObject({
      trigger: 'after_message',
      appId: 'testapp',
      region: 'eu',
      chatAPIVersion: '3.0',
      bot: 'helper',
      origin: expect.objectContaining({ platform: expect.any(String) }),
      data: { id: sent.json.data.id, sender: 'alice', receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hi bot', entities: { sender: { entityType: 'user' }, receiver: { entityType: 'user' } } } },
    });
    await emulator.idle();
    expect(emulator.backend.deliveries()[0]).toMatchObject({ state: 'delivered', bot: 'helper', attempts: [expect.objectContaining({ status: 200 })] });
  });

  it.each([
    ['allMessages', ['hello all', '/cmd', '<@uid:helper> hi'], [true, true, true]],
    ['slashedMessages', ['hello all', '/cmd', '  /spaced'], [false, true, true]],
    ['mentionedMessages', ['hello all', '<@uid:helper> hi', '<@uid:other> hi'], [false, true, false]],
    ['none', ['hello all', '/cmd', '<@uid:helper> hi'], [false, false, false]],
  ] as const)('group messages under %s', async (setting, texts, expected) => {
    expect(texts.map((t) => passesGroupSetting({ uid: 'helper', groupChatSetting: setting }, t))).toEqual(expected);
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url, { groupChatSetting: setting });
    for (const text of texts) expect((await say(emulator, 'alice', { receiver: 'team', receiverType: 'group', data: { text } })).status).toBe(200);
    await emulator.idle();
    expect(b.received.map((r) => r.body.data.data.text)).toEqual(texts.filter((_, i) => expected[i]));
    for (const r of b.received) expect(r.body.data).toMatchObject({ receiverType: 'group', receiver: 'team' });
  });

  it('a disabled bot, or a bot without a webhook, gets nothing; bot replies are never relayed', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url, { enabled: false });
    await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'anyone?' } });
    await api(emulator, 'PUT', '/bots/helper', { enabled: true });
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'team', receiverType: 'group', category: 'message', type: 'text', data: { text: 'from the bot' } });
    await emulator.idle();
    expect(b.received).toEqual([]);
    expect(emulator.backend.deliveries()).toEqual([]);
  });

  it('retries a callback that fails or is slow, on the configured schedule, and records each outcome', async () => {
    emulator = await startEmulator({ retryDelaysMs: [50, 100], callbackTimeoutMs: 300 });
    const b = await botServer([500, 503]);
    await withBot(emulator, b.url);
    const start = performance.now();
    await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'retry me' } });
    const delivered = new Promise<void>((resolve) => emulator!.on('delivery', (d) => d.state === 'delivered' && resolve()));
    await delivered;
    const elapsed = performance.now() - start;
    const d = emulator.backend.deliveries()[0]!;
    expect(d.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(150); // 50 ms + 100 ms of waiting between the attempts
    expect(b.received).toHaveLength(3);
    const state = await fetch(`${emulator.url}/_emulator/state`).then((r) => r.json() as Promise<any>);
    expect(state.data.deliveries[0]).toMatchObject({ state: 'delivered', attempts: [{ status: 500 }, { status: 503 }, { status: 200 }] });
  });

  it('gives up after the last retry; a slow callback counts as failed', async () => {
    emulator = await startEmulator({ retryDelaysMs: [20], callbackTimeoutMs: 100 });
    bot = createServer(() => undefined); // never answers
    await new Promise<void>((r) => bot!.listen(0, '127.0.0.1', r));
    await withBot(emulator, `http://127.0.0.1:${(bot.address() as AddressInfo).port}/`);
    await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'slow' } });
    await new Promise<void>((resolve) => emulator!.on('delivery', (d) => d.state === 'failed' && resolve()));
    expect(emulator.backend.deliveries()[0]!.attempts.map((a) => a.error)).toEqual(['no answer within 100 ms', 'no answer within 100 ms']);
  });

  it('records bot replies in the conversation, visible through /_emulator/state', async () => {
    emulator = await startEmulator();
    await api(emulator, 'POST', '/users', { uid: 'helper', name: 'Helper' });
    await api(emulator, 'POST', '/bots', { uid: 'helper' });
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'reply' } });
    const state = await fetch(`${emulator.url}/_emulator/state`).then((r) => r.json() as Promise<any>);
    expect(state.data.conversations).toEqual([{ conversationId: 'alice_user_helper', messages: [expect.objectContaining({ sender: 'helper', data: expect.objectContaining({ text: 'reply' }) })] }]);
    expect(JSON.stringify(state)).not.toContain('password');
  });
});

describe('emulator robustness', () => {
  it('answers CometChat-like errors for bad input and keeps serving', async () => {
    emulator = await startEmulator();
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      ['POST', '/users', '{not json', {}, 400, 'ERR_BAD_REQUEST'],
      ['POST', '/users', { uid: 'x' }, {}, 400, 'ERR_BAD_REQUEST'],
      ['GET', '/users/ghost', undefined, {}, 404, 'ERR_UID_NOT_FOUND'],
      ['GET', '/bots/ghost', undefined, {}, 404, 'ERR_BOT_NOT_FOUND'],
      ['GET', '/groups/ghost', undefined, {}, 404, 'ERR_GUID_NOT_FOUND'],
      ['POST', '/messages', { receiver: 'bob', receiverType: 'channel', data: { text: 'x' } }, { onBehalfOf: 'alice' }, 400, 'ERR_INVALID_RECEIVER_TYPE'],
      ['POST', '/messages', { receiver: 'bob', receiverType: 'user', data: { text: '  ' } }, { onBehalfOf: 'alice' }, 400, 'ERR_EMPTY_MESSAGE_TEXT'],
      ['POST', '/messages', { receiver: 'ghost', receiverType: 'user', data: { text: 'x' } }, { onBehalfOf: 'alice' }, 404, 'ERR_UID_NOT_FOUND'],
      ['POST', '/messages/1/thread', { receiver: 'bob', receiverType: 'user', data: { text: 'x' } }, {}, 404, 'ERR_MESSAGE_NOT_FOUND'],
      ['GET', '/no/such/route', undefined, {}, 404, 'ERR_ROUTE_NOT_FOUND'],
      ['DELETE', '/messages', undefined, {}, 405, 'ERR_METHOD_NOT_ALLOWED'],
      ['POST', '/bots/ghost/messages', { receiver: 'bob', receiverType: 'user', data: { text: 'x' } }, {}, 404, 'ERR_UID_NOT_FOUND'],
    ];
    for (const [method, path, body, headers, status, code] of cases) {
      const r = await api(emulator, method, path, body, headers);
      expect([method, path, r.status, r.json.error?.code]).toEqual([method, path, status, code]);
      expect(r.json.error.message).toBeTruthy();
    }
    const noKey = await fetch(`${emulator.baseUrl}/users`).then((r) => r.json() as Promise<any>);
    expect(noKey.error.code).toBe('AUTH_ERR_EMPTY_APIKEY');
    expect((await api(emulator, 'GET', '/users/alice')).status).toBe(200);
  });
});

describe('emulator: health, reset, outbox, turns', () => {
  it('GET /_emulator/health answers at once with the app it plays', async () => {
    emulator = await startEmulator();
    const r = await fetch(`${emulator.url}/_emulator/health`).then((x) => x.json() as Promise<any>);
    expect(r.data).toMatchObject({ ok: true, appId: 'testapp', region: 'eu' });
  });

  it('its uptime and the outbox times follow the clock it is given', async () => {
    let t = Date.parse('2026-01-02T03:04:05.000Z');
    emulator = await startEmulator({ now: () => new Date(t) });
    t += 90_000;
    const health = await fetch(`${emulator.url}/_emulator/health`).then((x) => x.json() as Promise<any>);
    expect(health.data.uptimeMs).toBe(90_000);
    await api(emulator, 'GET', '/users');
    expect(emulator.outbox.at(-1)).toMatchObject({ path: '/v3/users', at: '2026-01-02T03:05:35.000Z' });
  });

  it('the outbox lists every REST call, refused ones with CometChat’s code, apikey redacted, each bot reply linked to its callback', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url);
    const before = (await fetch(`${emulator.url}/_emulator/outbox`).then((x) => x.json() as Promise<any>)).next as number;
    const got = b.next();
    await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'hi' } });
    await got;
    const callbackId = emulator.backend.deliveries().at(-1)!.id;
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hello' } });
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: '' } });
    const page = await fetch(`${emulator.url}/_emulator/outbox?since=${before}`).then((x) => x.json() as Promise<any>);
    expect(page.data.map((e: any) => [e.method, e.path, e.status, e.errorCode ?? null, e.callbackId ?? null])).toEqual([
      ['POST', '/v3/messages', 200, null, null],
      ['POST', '/v3/bots/helper/messages', 200, null, callbackId],
      ['POST', '/v3/bots/helper/messages', 400, 'ERR_EMPTY_MESSAGE_TEXT', callbackId],
    ]);
    expect(page.data[1].headers.apikey).toBe('[redacted]');
    expect(page.data[1].seq).toBeGreaterThan(before);
    expect(page.next).toBe(page.data.at(-1).seq);
    const none = await fetch(`${emulator.url}/_emulator/outbox?since=${page.next}`).then((x) => x.json() as Promise<any>);
    expect(none).toEqual({ data: [], next: page.next });
  });

  it('flags a bot messaging itself', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url);
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'me?' } });
    expect(emulator.outbox.at(-1)!.warning).toMatch(/^the bot helper sent a message to itself/);
  });

  it('POST /_emulator/reset goes back to the seed state while ids keep counting', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url);
    const first = await say(emulator, 'alice', { receiver: 'bob', receiverType: 'user', data: { text: 'one' } });
    const r = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(emulator.backend.bots.list().length).toBe(0);
    expect(emulator.backend.users.list().map((u) => u.uid)).toEqual(['alice', 'bob', 'carol']);
    expect(emulator.backend.allMessages()).toEqual([]);
    const second = await say(emulator, 'alice', { receiver: 'bob', receiverType: 'user', data: { text: 'two' } });
    expect(Number(second.json.data.id)).toBeGreaterThan(Number(first.json.data.id));
  });

  it('says why a group message was not relayed', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url, { groupChatSetting: 'mentionedMessages' });
    const reasons = new Promise<any>((r) => emulator!.once('not-relayed', r));
    await say(emulator, 'alice', { receiver: 'team', receiverType: 'group', data: { text: 'hello all' } });
    expect((await reasons).skipped).toEqual([{ bot: 'helper', reason: 'bot helper has groupChatSetting mentionedMessages and the message does not mention <@uid:helper>' }]);
  });

  it('emits one turn per relayed message: the ack and the replies linked to it', async () => {
    emulator = await startEmulator();
    const b = await botServer();
    await withBot(emulator, b.url);
    const turns: any[] = [];
    emulator.on('turn', (t) => turns.push(t));
    const got = b.next();
    await say(emulator, 'alice', { receiver: 'helper', receiverType: 'user', data: { text: 'hi' } });
    await got;
    await api(emulator, 'POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hello' } });
    await emulator.idle();
    const ended = new Promise((r) => emulator!.once('turn', r));
    await emulator.close(); // closing ends the open turn
    await ended;
    expect(turns).toEqual([{ callbackId: emulator.backend.deliveries()[0]!.id, messageId: emulator.backend.deliveries()[0]!.messageId, to: 'helper', status: 200, ackMs: expect.any(Number), replies: [{ id: expect.any(String), ms: expect.any(Number) }] }]);
    emulator = undefined;
  });

  it('keeps the newest 10,000 entries of its logs', async () => {
    const { pushBounded } = await import('../../src/core/bounded.js');
    const log: number[] = [];
    for (let i = 0; i < 10_005; i++) pushBounded(log, i);
    expect([log.length, log[0], log.at(-1)]).toEqual([10_000, 5, 10_004]);
  });
});

describe('emulator faults endpoint', () => {
  it('appends validated faults, replaces them with replace: true, and clears them with DELETE', async () => {
    emulator = await startEmulator();
    const post = (body: unknown) => fetch(`${emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => [r.status, (await r.json()) as any] as const);
    expect((await post({ faults: [{ status: 429, code: 'ERR_TOO_MANY_REQUESTS', times: 2 }] }))[1].data.faults).toHaveLength(1);
    expect((await post({ faults: [{ status: 503, code: 'ERR_UNAVAILABLE' }] }))[1].data.faults).toHaveLength(2);
    expect((await post({ faults: [{ status: 200, code: 'X' }] }))).toEqual([400, expect.objectContaining({ error: expect.objectContaining({ code: 'ERR_BAD_REQUEST' }) })]);
    expect((await post({ faults: [], replace: true }))[1].data.faults).toEqual([]);
    await post({ faults: [{ status: 500, code: 'ERR_X' }] });
    const cleared = await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' }).then((r) => r.json() as Promise<any>);
    expect(cleared.data.faults).toEqual([]);
  });
});

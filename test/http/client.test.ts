import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCometChatClient } from '../../src/adapters/cometchat-client.js';
import { ApiError, NetworkError } from '../../src/errors.js';
import { startEmulator, TEST_KEY, calls } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
let extra: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  extra?.closeAllConnections();
  extra?.close();
  extra = undefined;
});

function client(baseUrl: string, sleeps: number[] = [], apiKey = TEST_KEY, timeoutMs?: number) {
  return createCometChatClient({ baseUrl, apiKey, version: '9.9.9', timeoutMs, sleep: async (ms) => void sleeps.push(ms) });
}

describe('CometChatClient against the emulator', () => {
  it('sends apikey and user-agent, unwraps {data}', async () => {
    emulator = await startEmulator();
    const user = await (await client(emulator.baseUrl)).getUser('alice');
    expect(user).toMatchObject({ uid: 'alice', name: 'Alice Example' });
    expect(calls(emulator)).toEqual(['GET /users/alice']);
  });

  it('turns the error envelope into a typed ApiError with code and status', async () => {
    emulator = await startEmulator();
    const e = await (await client(emulator.baseUrl)).getUser('nobody').catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'ERR_UID_NOT_FOUND', status: 404 });
    expect(e.hint).toBeTruthy();
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    emulator = await startEmulator({ faults: [{ status: 429, code: 'ERR_TOO_MANY_REQUESTS', retryAfter: 2, times: 1 }] });
    const sleeps: number[] = [];
    await expect((await client(emulator.baseUrl, sleeps)).getUser('alice')).resolves.toMatchObject({ uid: 'alice' });
    expect(sleeps).toEqual([2000]);
    expect(calls(emulator)).toEqual(['GET /users/alice', 'GET /users/alice']);
  });

  it('retries 503 with backoff, then succeeds; POST bodies (muid) are resent unchanged', async () => {
    emulator = await startEmulator({ faults: [{ status: 503, code: 'ERR_SERVICE_UNAVAILABLE', times: 2, match: 'POST' }] });
    const sleeps: number[] = [];
    const body = { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hi' }, muid: 'keep-me' };
    emulator.backend.bots.create('alice', { enabled: false, groupChatSetting: 'none', useBasicAuth: false });
    const sent = await (await client(emulator.baseUrl, sleeps)).sendBotMessage('alice', body);
    expect(sent.muid).toBe('keep-me');
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
    const posts = emulator.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => (r.body as { muid: string }).muid)).toEqual(['keep-me', 'keep-me', 'keep-me']);
  });

  it('gives up after 3 tries on 5xx', async () => {
    emulator = await startEmulator({ faults: [{ status: 500, code: 'ERR_INTERNAL', times: 5 }] });
    const e = await (await client(emulator.baseUrl)).getUser('alice').catch((x) => x);
    expect(e).toMatchObject({ code: 'ERR_INTERNAL', status: 500 });
    expect(emulator.requests).toHaveLength(3);
  });

  it('never retries other 4xx', async () => {
    emulator = await startEmulator();
    const e = await (await client(emulator.baseUrl, [], 'wrong-key')).getUser('alice').catch((x) => x);
    expect(e).toMatchObject({ code: 'AUTH_ERR_APIKEY_NOT_FOUND', status: 401 });
    expect(emulator.requests).toHaveLength(1);
  });

  it('never puts the API key in a message, even when a server echoes it', async () => {
    extra = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ERR_BAD_REQUEST', message: `bad key ${String(req.headers.apikey)}` } }));
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', r));
    const port = (extra.address() as AddressInfo).port;
    const e = await (await client(`http://127.0.0.1:${port}/v3`, [], 'super-secret-key-123')).getUser('x').catch((x) => x);
    expect(e.message).not.toContain('super-secret-key-123');
    expect(e.message).toContain('[redacted]');
  });

  it('connection refused is one NetworkError naming the host', async () => {
    const e = await (await client('http://127.0.0.1:1/v3')).getUser('x').catch((x) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe('connection refused by 127.0.0.1:1');
  });

  it('a server that never answers times out with a clear message', async () => {
    extra = createServer(() => undefined);
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', r));
    const port = (extra.address() as AddressInfo).port;
    const e = await (await client(`http://127.0.0.1:${port}/v3`, [], TEST_KEY, 200)).getUser('x').catch((x) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toMatch(/did not answer within/);
  });

  it('a reset connection is retried', async () => {
    let n = 0;
    extra = createServer((req, res) => {
      if (n++ === 0) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"uid":"x"}}');
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', r));
    const port = (extra.address() as AddressInfo).port;
    const sleeps: number[] = [];
    await expect((await client(`http://127.0.0.1:${port}/v3`, sleeps)).getUser('x')).resolves.toEqual({ uid: 'x' });
    expect(sleeps).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublicEndpoint } from '../../src/listen/public-endpoint.js';
import type { TunnelOpener } from '../../src/adapters/tunnel.js';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => (s.closeAllConnections(), s.close())));

/** A "public URL" that swallows requests: the self-test never reaches the callback server. */
async function blackhole(): Promise<string> {
  const s = createServer(() => undefined);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const credentials = { username: 'cometbotABC123', password: 'p'.repeat(32) };

/** The callback server as the endpoint sees it: its self-test answers, and which nonce it expects. */
function selfTestTarget(): EventEmitter & { expecting?: string; expectSelfTest(nonce: string): void; clearSelfTest(): void } {
  const server = Object.assign(new EventEmitter(), {
    expecting: undefined as string | undefined,
    expectSelfTest: (nonce: string) => void (server.expecting = nonce),
    clearSelfTest: () => void (server.expecting = undefined),
  });
  return server;
}

describe('PublicEndpoint', () => {
  it('reports an unreachable public URL when the self-test never arrives', async () => {
    const url = await blackhole();
    const opener: TunnelOpener = async () => ({ url, close: async () => undefined });
    const server = selfTestTarget();
    const endpoint = new PublicEndpoint({ opener: async () => opener, addr: '127.0.0.1:1', authtoken: 't', credentials, path: '/hook', server, nonce: () => 'n1', selfTestTimeoutMs: 100 });
    expect(await endpoint.open()).toBe(`${url}/hook`);
    expect(await endpoint.selfTest()).toBe('unreachable');
    expect(server.expecting).toBeUndefined();
    expect(server.listenerCount('selftest')).toBe(0);
    await endpoint.close();
    expect(endpoint.url).toBeNull();
  });

  it('is "lost" when reopening without edge auth fails, and never leaks the token in errors', async () => {
    let opens = 0;
    const server = selfTestTarget();
    const url = await blackhole();
    const opener: TunnelOpener = async () => {
      if (++opens > 1) throw new Error('authentication failed for secret-token-xyz');
      return { url, close: async () => undefined };
    };
    const endpoint = new PublicEndpoint({ opener: async () => opener, addr: '127.0.0.1:1', authtoken: 'secret-token-xyz', credentials, path: '/', server, nonce: () => 'n2', selfTestTimeoutMs: 2000 });
    await endpoint.open();
    // The self-test arrives without its Authorization header (ngrok's edge kept it).
    // Once the endpoint listens for its self-test (newListener fires just before the listener is added).
    server.on('newListener', (event) => event === 'selftest' && process.nextTick(() => server.emit('selftest', { nonce: 'n2', authorized: false, hadAuthorization: false })));
    expect(await endpoint.selfTest()).toBe('lost');
    await expect(endpoint.open()).rejects.toThrow('authentication failed for [redacted]');
  });
});

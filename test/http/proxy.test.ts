import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { main } from '../../src/main.js';
import { makeDeps } from '../helpers/deps.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  proxy?.closeAllConnections();
  proxy?.close();
});

/**
 * A minimal forward proxy: absolute-URI requests and CONNECT tunnels (what hpagent uses). It resolves
 * the name emulator.test to 127.0.0.1 itself, as a corporate proxy resolves names the client cannot.
 */
async function startProxy(seen: string[]): Promise<string> {
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const upstream = request({ host: target.hostname === 'emulator.test' ? '127.0.0.1' : target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host === 'emulator.test' ? '127.0.0.1' : host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

describe('HTTP(S)_PROXY', () => {
  it('sends REST calls through HTTP_PROXY', async () => {
    emulator = await startEmulator();
    const seen: string[] = [];
    const proxyUrl = await startProxy(seen);
    const apiUrl = emulator.baseUrl.replace('127.0.0.1', 'emulator.test'); // a name only the proxy knows
    const init = makeDeps({ env: { COMETCHAT_API_KEY: TEST_KEY, HTTP_PROXY: proxyUrl } });
    const code = await main(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'proxied', '--api-url', apiUrl, '-y'], init);
    expect(code, init.stderr.text()).toBe(0);
    expect(seen[0]).toBe(`CONNECT ${new URL(apiUrl).host}`);
  });

  it('never sends loopback (the emulator) through the proxy, so the offline demo works behind one', async () => {
    emulator = await startEmulator();
    const seen: string[] = [];
    const proxyUrl = await startProxy(seen);
    const init = makeDeps({ env: { COMETCHAT_API_KEY: TEST_KEY, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl } });
    expect(await main(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'direct', '--api-url', emulator.baseUrl, '-y'], init)).toBe(0);
    expect(await main(['say', '--to', 'alice', 'direct'], makeDeps({ home: init.env.COMETBOT_HOME!, env: { COMETCHAT_API_KEY: TEST_KEY, HTTP_PROXY: proxyUrl } }))).toBe(0);
    expect(seen).toEqual([]);
  });
});

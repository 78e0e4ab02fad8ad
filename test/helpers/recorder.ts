// A plain HTTP server that records every request it gets and answers 200 with CometChat's envelope.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
}

/** Its close is pushed onto `cleanups`, which the test's afterEach runs. */
export async function recorder(cleanups: (() => Promise<unknown> | void)[]): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), seen };
}


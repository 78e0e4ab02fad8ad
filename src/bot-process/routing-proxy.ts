// The HTTP(S) proxy a bot in any language is pointed at (HTTPS_PROXY / HTTP_PROXY): CONNECT to a
// CometChat host is answered here, TLS terminated with a certificate from the run's CA, and each request
// inside sent to the emulator with the original host in x-forwarded-host. Every other host is tunnelled
// (CONNECT) or forwarded (plain HTTP) untouched: its traffic and certificates are never seen here.
import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { lookup } from 'node:dns/promises';
import { certifiableHost, type RunCertificateAuthority } from './ca.js';
import { isLoopbackName, refusedTarget } from './proxy-target.js';

const COMETCHAT_HOST = /(^|\.)cometchat\.io$/i;

export function isCometChatHost(host: string): boolean {
  return COMETCHAT_HOST.test(host.replace(/\.$/, ''));
}

export interface RoutingProxyEvents {
  /** A CometChat call sent to the emulator. */
  routed: [{ host: string; method: string; path: string }];
  /** Another host, passed through untouched. */
  tunnelled: [{ host: string; port: number }];
  /** A target the proxy refuses (loopback, link-local, a private network): not the bot's traffic. */
  refused: [{ host: string; port: number; reason: string }];
}

/** Decides which resolved addresses the proxy refuses (the default: refusedTarget); tests pass their own. */
export type TargetPolicy = (address: string) => string | undefined;

/** The address to connect to for `host`, or why the proxy refuses it (decided on the resolved address). */
async function resolveTarget(host: string, refuse: TargetPolicy): Promise<{ address: string } | { reason: string }> {
  if (isLoopbackName(host) && refuse('127.0.0.1')) return { reason: 'a loopback address' };
  let address: string;
  try {
    address = (await lookup(host.replace(/^\[|\]$/g, ''))).address;
  } catch (e) {
    return { reason: `it does not resolve (${(e as NodeJS.ErrnoException).code ?? 'lookup failed'})` };
  }
  const reason = refuse(address);
  return reason ? { reason } : { address };
}

export class RoutingProxy extends EventEmitter<RoutingProxyEvents> {
  private server?: Server;
  /** Serves the requests found inside intercepted TLS connections. */
  private readonly inner: Server;
  private readonly sockets = new Set<Duplex>();
  private closing?: Promise<void>;

  constructor(
    private readonly ca: RunCertificateAuthority,
    /** The emulator's origin, e.g. http://127.0.0.1:4747 */
    private readonly emulator: URL,
    private readonly refuse: TargetPolicy = refusedTarget,
  ) {
    super();
    this.inner = createServer((req, res) => this.toEmulator(req, res, (req.socket as TLSSocket & { cometbotHost?: string }).cometbotHost ?? ''));
  }

  async start(): Promise<URL> {
    const server = createServer((req, res) => void this.plain(req, res));
    server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.connect(req, socket, head));
    server.on('connection', (s: Socket) => this.track(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  private track(s: Duplex): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private async connect(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const [host = '', portText = '443'] = splitHostPort(req.url ?? '');
    const port = Number(portText) || 443;
    client.on('error', () => client.destroy());
    if (!isCometChatHost(host)) {
      // Not ours: a blind tunnel. The client's TLS goes end to end with the real host.
      const target = await resolveTarget(host, this.refuse);
      if ('reason' in target) {
        this.emit('refused', { host, port, reason: target.reason });
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\ncometbot routing proxy: ${host} is ${target.reason}\n`);
        return;
      }
      const upstream = connect(port, target.address);
      this.track(upstream);
      upstream.once('connect', () => {
        this.emit('tunnelled', { host, port });
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      });
      client.on('close', () => upstream.destroy());
      return;
    }
    if (!certifiableHost(host)) {
      this.emit('refused', { host, port, reason: 'not a well-formed CometChat host name' });
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    let context;
    try {
      context = await this.ca.contextFor(host);
    } catch {
      client.end('HTTP/1.1 500 Internal Server Error\r\n\r\n');
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) client.unshift(head);
    const tls = new TLSSocket(client as Socket, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] }) as TLSSocket & { cometbotHost?: string };
    tls.cometbotHost = host;
    tls.on('error', () => tls.destroy());
    this.track(tls);
    this.inner.emit('connection', tls);
  }

  /** Plain HTTP through the proxy: an absolute URL in the request line. */
  private async plain(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('cometbot routing proxy: expected an absolute URL\n');
      return;
    }
    if (isCometChatHost(url.hostname)) {
      req.url = `${url.pathname}${url.search}`;
      this.toEmulator(req, res, url.hostname);
      return;
    }
    const target = await resolveTarget(url.hostname, this.refuse);
    if ('reason' in target) {
      this.emit('refused', { host: url.hostname, port: Number(url.port) || 80, reason: target.reason });
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`cometbot routing proxy: ${url.hostname} is ${target.reason}\n`);
      return;
    }
    this.emit('tunnelled', { host: url.hostname, port: Number(url.port) || 80 });
    const upstream = httpRequest({ hostname: target.address, port: url.port || 80, method: req.method, path: `${url.pathname}${url.search}`, headers: withoutHopHeaders(req.headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopHeaders(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(upstream);
  }

  private toEmulator(req: IncomingMessage, res: ServerResponse, host: string): void {
    this.emit('routed', { host, method: req.method ?? 'GET', path: req.url ?? '/' });
    const headers = { ...withoutHopHeaders(req.headers), host: this.emulator.host, 'x-forwarded-host': host };
    const upstream = httpRequest({ hostname: this.emulator.hostname, port: this.emulator.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopHeaders(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (e) => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end(`the emulator did not answer (${(e as NodeJS.ErrnoException).code ?? e.message})\n`)));
    req.pipe(upstream);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const s of this.sockets) s.destroy();
      const server = this.server;
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      this.inner.close();
    })();
    return this.closing;
  }
}

function splitHostPort(authority: string): [string, string] {
  const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (ipv6) return [ipv6[1]!, ipv6[2] ?? '443'];
  const at = authority.lastIndexOf(':');
  return at < 0 ? [authority, '443'] : [authority.slice(0, at), authority.slice(at + 1)];
}

const HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function withoutHopHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

// The bot's callback endpoint: Basic Auth, capture before ack, typed events after it.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { RedeliveryTracker, type Redelivery } from '../core/redelivery-tracker.js';
import type { CaptureStore } from './capture-store.js';
import { basicAuthHeader } from '../core/basic-auth.js';
import { captureLine, duplicateKey, redactHeaders, summarize, type CaptureRecord, type MessageSummary, type RecordMeta } from '../core/capture.js';
import { RecentCallbacks } from '../core/recent-callbacks.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const SELFTEST_HEADER = 'x-cometbot-selftest';

export interface CallbackServerOptions {
  host: string;
  port: number;
  path: string;
  /** null: --no-auth. */
  credentials: { username: string; password: string } | null;
  store: CaptureStore;
  runTag: string;
  now: () => Date;
  maxBodyBytes?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /**
   * `listen --respond STATUS[xN] --delay D`: answer the first `times` deliveries of each callback with
   * `status`, after `delayMs`, to see how the real CometChat retries. The record holds what was answered.
   */
  respond?: { status: number; times: number; delayMs: number };
}

export type { Redelivery } from '../core/redelivery-tracker.js';

export interface AcceptedRequest {
  record: CaptureRecord;
  summary: MessageSummary;
  /** Raw body and auth header, in process only: for --forward-to. Never printed or stored. */
  bodyText: string;
  authorization?: string;
  /** The capture line as written (one JSON object + newline): lets --json output reuse it as is. */
  line: string;
}

export interface CallbackServerEvents {
  request: [AcceptedRequest];
  rejected: [CaptureRecord];
  selftest: [{ nonce: string; authorized: boolean; hadAuthorization: boolean }];
  /** A request could not be recorded and got a 503. */
  captureFailed: [{ id: string; error: NodeJS.ErrnoException }];
}

const OK_BODY = '{"ok":true}';
const OK_HEADERS = { 'content-type': 'application/json', 'content-length': String(OK_BODY.length) };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };


export class CallbackServer extends EventEmitter<CallbackServerEvents> {
  /** --respond/--delay: which deliveries get the provoked answer, and CometChat's retry schedule. */
  private readonly tracker?: RedeliveryTracker;
  private server?: Server;
  private readonly expectedAuth?: Buffer;
  private readonly recent = new RecentCallbacks(10_000);
  private readonly reading = new Map<IncomingMessage, { started: number; res: ServerResponse; meta: RecordMeta; received: number }>();
  private sweeper?: NodeJS.Timeout;
  private seq = 0;
  private inFlight = 0;

  /** Requests being read or answered right now (a shutdown waits for them). */
  get requestsInFlight(): number {
    return this.inFlight;
  }
  private idleWaiters: (() => void)[] = [];
  /** The nonce of the self-test in flight: that one request is answered, never recorded. */
  private selfTestNonce?: string;
  readonly counts = { accepted: 0, rejected: 0, duplicates: 0, failed: 0 };

  constructor(private readonly opts: CallbackServerOptions) {
    super();
    if (opts.respond) this.tracker = new RedeliveryTracker(opts.respond);
    if (opts.credentials) {
      const expected = basicAuthHeader(opts.credentials);
      this.expectedAuth = Buffer.from(expected);
    }
  }
  /** The self-test request carrying this nonce is answered without being recorded, until cleared. */
  expectSelfTest(nonce: string): void {
    this.selfTestNonce = nonce;
  }

  clearSelfTest(): void {
    this.selfTestNonce = undefined;
  }


  private timingSafeEqual?: typeof import('node:crypto').timingSafeEqual;

  async start(): Promise<{ port: number; url: string }> {
    const [{ createServer }, { timingSafeEqual }] = await Promise.all([import('node:http'), import('node:crypto')]);
    this.timingSafeEqual = timingSafeEqual;
    const headersTimeout = this.opts.headersTimeoutMs ?? 10_000;
    const server = createServer(
      { headersTimeout, requestTimeout: 0, keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.min(1_000, Math.max(50, headersTimeout / 4)) },
      (req, res) => this.handle(req, res),
    );
    this.server = server;
    // Requests Node's parser answers before cometbot sees them (headers too slow or too large, not
    // HTTP at all) are recorded too, metadata only, like every other rejection.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { remoteAddress?: string }) => this.clientError(err, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bodyTimeout = this.opts.bodyTimeoutMs ?? 10_000;
    this.sweeper = setInterval(() => this.sweep(bodyTimeout), Math.min(1_000, Math.max(20, bodyTimeout / 4)));
    this.sweeper.unref();
    const { port } = server.address() as AddressInfo;
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return { port, url: `http://${host}:${port}${this.opts.path}` };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    const q = req.url!.indexOf('?');
    const pathname = q === -1 ? req.url! : req.url!.slice(0, q);
    if (pathname !== this.opts.path) return this.reject(req, res, 404, 'unknown path');
    if (req.method !== 'POST') return this.reject(req, res, 405, 'method not allowed', { allow: 'POST' });
    const selftest = req.headers[SELFTEST_HEADER];
    if (selftest !== undefined && selftest === this.selfTestNonce) return this.answerSelfTest(req, res, selftest);
    if (this.expectedAuth && !this.authorized(req.headers.authorization)) {
      return this.reject(req, res, 401, req.headers.authorization ? 'wrong credentials' : 'missing credentials', { 'www-authenticate': 'Basic realm="cometbot"' });
    }
    const max = this.opts.maxBodyBytes ?? MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length']);
    if (declared > max) return this.reject(req, res, 413, `body over ${max} bytes`, { connection: 'close' });

    const meta = this.meta(req, 200, 'accepted');
    const reading = { started: Date.now(), res, meta, received: 0 };
    this.reading.set(req, reading);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      reading.received = size;
      if (size > max) {
        this.reading.delete(req);
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        this.reject(req, res, 413, `body over ${max} bytes`, { connection: 'close' }, meta);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!this.reading.delete(req)) return; // already answered (timeout)
      this.bodiesThisTurn.push({ req, res, meta, raw: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      if (this.bodiesThisTurn.length === 1) setImmediate(this.acceptThisTurn);
    });
  }

  /**
   * Bodies that arrived during one event-loop turn are parsed, recorded and answered together, after
   * the turn's I/O: the parse runs in a tight loop, and a body's parsed form lives for that loop only
   * rather than across the whole turn (fewer survivors for each young-generation GC; measured).
   */
  private bodiesThisTurn: { req: IncomingMessage; res: ServerResponse; meta: RecordMeta; raw: Buffer }[] = [];

  private readonly acceptThisTurn = (): void => {
    const batch = this.bodiesThisTurn;
    this.bodiesThisTurn = [];
    for (const { req, res, meta, raw } of batch) this.accept(req, res, meta, raw);
    this.opts.store.flush(); // this batch's lines in one write(2), each answered once it returned
  };

  private accept(req: IncomingMessage, res: ServerResponse, meta: RecordMeta, raw: Buffer): void {
    const text = raw.toString('utf8');
    let parsed: unknown;
    let json = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      json = false;
    }
    meta.bytes = raw.length;
    meta.json = json;
    const summary = json ? summarize(parsed) : {};
    const id = summary.id;
    if (id && this.recent.check(summary.trigger ?? '', id)) meta.duplicate = true;
    let status = 200;
    let delayMs = 0;
    const key = this.tracker && id ? duplicateKey(summary)! : undefined;
    if (this.tracker && key) {
      ({ status, delayMs } = this.tracker.deliver(key, summary.id ?? meta.id, Date.now()));
      meta.status = status;
    }
    const line = captureLine(meta, { text, parsed });
    this.opts.store.write(line, (error) => {
      if (error) {
        // Never ack what was not recorded: CometChat (or the sender) will retry, and that retry
        // is a first delivery, not a duplicate.
        if (id && !meta.duplicate) this.recent.forget(summary.trigger ?? '', id);
        this.counts.failed++;
        const body = JSON.stringify({ ok: false, error: 'capture could not be written' });
        res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'retry-after': '10' });
        res.end(body);
        this.settled();
        this.emit('captureFailed', { id: meta.id, error });
        return;
      }
      if (status === 200 && delayMs === 0) {
        res.writeHead(200, OK_HEADERS);
        res.end(OK_BODY);
        this.settled();
      } else {
        // --respond / --delay: recorded first, answered as asked (an error status, or late).
        const answer = () => {
          const body = status < 300 ? OK_BODY : JSON.stringify({ ok: false, error: `answered ${status} on purpose (cometbot listen --respond)` });
          if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
          this.settled();
        };
        if (delayMs > 0) setTimeout(answer, delayMs);
        else answer();
      }
      this.counts.accepted++;
      if (meta.duplicate) this.counts.duplicates++;
      if (this.listenerCount('request') === 0) return;
      const record = meta as CaptureRecord;
      if (json) record.body = parsed;
      else record.rawBody = text;
      this.emit('request', { record, summary, bodyText: text, authorization: req.headers.authorization, line });
    });
  }

  /** Callbacks delivered more than once while --respond/--delay was on, with the delays between deliveries. */
  redeliveries(): Redelivery[] {
    return this.tracker?.redeliveries() ?? [];
  }

  /** `received`: the bytes that did arrive (a body cut by the timeout), instead of the declared length. */
  private reject(req: IncomingMessage, res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}, base?: RecordMeta, received?: number): void {
    const meta = base ?? this.meta(req, status, 'rejected');
    meta.status = status;
    meta.verdict = 'rejected';
    meta.reason = reason;
    meta.bytes = received ?? (Number(req.headers['content-length']) || 0);
    this.counts.rejected++;
    const body = JSON.stringify({ ok: false, error: reason });
    const send = () => {
      this.settled();
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    // Metadata only, no body. A failed write still gets the rejection it deserves.
    this.opts.store.write(captureLine(meta, undefined), send);
    this.emit('rejected', meta as CaptureRecord);
  }

  private answerSelfTest(req: IncomingMessage, res: ServerResponse, nonce: string): void {
    const header = req.headers.authorization;
    const authorized = !this.expectedAuth || this.authorized(header);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, OK_HEADERS);
      res.end(OK_BODY);
      this.settled();
      this.emit('selftest', { nonce, authorized, hadAuthorization: header !== undefined });
    });
  }

  private meta(req: IncomingMessage, status: number, verdict: 'accepted' | 'rejected'): RecordMeta {
    return {
      id: `${this.opts.runTag}-${++this.seq}`,
      receivedAt: this.timestamp(),
      method: req.method ?? '',
      path: req.url ?? '',
      status,
      verdict,
      remoteAddress: req.socket.remoteAddress ?? '',
      headers: redactHeaders(req.headers),
      bytes: 0,
      json: false,
    };
  }

  private lastMs = NaN;
  private lastIso = '';

  /** `receivedAt`: formatted once per millisecond (many requests share one under load). */
  private timestamp(): string {
    const now = this.opts.now();
    const ms = now.getTime();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = now.toISOString();
    }
    return this.lastIso;
  }

  /**
   * Constant-time comparison of the whole header. Only the length can leak, and the length of the
   * expected value is no secret (generated credentials have a fixed length).
   */
  private authorized(header: string | undefined): boolean {
    if (typeof header !== 'string') return false;
    // RFC 7235: the scheme name is case-insensitive, and one or more spaces may follow it.
    if (!header.startsWith('Basic ')) {
      const m = /^basic +(\S+) *$/i.exec(header);
      if (!m) return false;
      header = `Basic ${m[1]}`;
    }
    if (header.length !== this.expectedAuth!.length) return false;
    const given = Buffer.from(header, 'latin1');
    return given.length === this.expectedAuth!.length && this.timingSafeEqual!(given, this.expectedAuth!);
  }

  private sweep(bodyTimeoutMs: number): void {
    const now = Date.now();
    for (const [req, { started, res, meta, received }] of this.reading) {
      if (now - started < bodyTimeoutMs) continue;
      this.reading.delete(req);
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      this.reject(req, res, 408, `body not received within ${bodyTimeoutMs} ms`, { connection: 'close' }, meta, received);
      res.once('finish', () => req.socket.destroy());
    }
  }

  /** Called once per request, right after its response was handed to the socket. */
  private settled(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const done of this.idleWaiters.splice(0)) done();
  }

  /** Stops accepting, lets in-flight requests finish (bounded by graceMs), then closes every socket. */
  async close(graceMs = 5_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.sweeper);
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), new Promise<void>((r) => setTimeout(r, graceMs).unref())]);
    }
    // A body still arriving when the grace period ends is cut: it is recorded as such, not lost.
    for (const [req, { res, meta, received }] of this.reading) {
      this.reading.delete(req);
      this.reject(req, res, 503, `cut at shutdown after ${graceMs} ms`, { connection: 'close' }, meta, received);
    }
    server.closeAllConnections();
    await closed;
  }

  /** Sockets already answered for a parser error (Node may report one socket's error twice). */
  private readonly refusedSockets = new WeakSet<Duplex>();

  private clientError(err: NodeJS.ErrnoException, socket: Duplex & { remoteAddress?: string }): void {
    if (this.refusedSockets.has(socket)) {
      socket.destroy();
      return;
    }
    this.refusedSockets.add(socket);
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 0 : 400;
    if (status && socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
    if (!status) return; // the client went away: nothing was asked
    const meta: RecordMeta = {
      id: `${this.opts.runTag}-${++this.seq}`,
      receivedAt: this.opts.now().toISOString(),
      method: '',
      path: '',
      status,
      verdict: 'rejected',
      reason: status === 431 ? 'headers too large' : status === 408 ? 'headers not received in time' : `not an HTTP request (${err.code ?? err.message})`,
      remoteAddress: socket.remoteAddress ?? '',
      headers: {},
      bytes: 0,
      json: false,
    };
    this.counts.rejected++;
    this.opts.store.write(captureLine(meta, undefined), () => undefined);
    this.emit('rejected', meta as CaptureRecord);
  }

  /** Forced stop (second Ctrl-C): drop every connection now. */
  destroy(): void {
    clearInterval(this.sweeper);
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
  }
}

// A listen session: the callback server and everything around it (capture file, forwarding, echo
// replies, the inspector, the public URL, webhook registration, the self-test), as one lifecycle object
// with typed events and one idempotent close. `cometbot listen`, `demo` and `dev --tunnel` hold one and
// render its events; tests await them.
import { EventEmitter } from 'node:events';
import type { TunnelOpener } from '../deps.js';
import type { Credentials } from '../core/basic-auth.js';
import type { CaptureRecord } from '../core/capture.js';
import type { Redelivery } from '../core/redelivery-tracker.js';
import type { CometChatClient } from '../adapters/cometchat-client.js';
import type { AcceptedRequest } from './callback-server.js';
import type { ForwardResult, Forwarder } from './forwarder.js';
import type { PublicEndpoint, SelfTestResult } from './public-endpoint.js';
import { CliError } from '../errors.js';
import { serverStartError } from '../core/server-start-error.js';
import { replyTarget } from '../core/capture.js';
import { TaskQueue } from '../core/task-queue.js';
import { CallbackServer } from './callback-server.js';
import { CaptureStore } from './capture-store.js';

export interface ListenSessionOptions {
  host: string;
  port: number;
  path: string;
  /** The callback's Basic Auth; null with --no-auth. */
  credentials: Credentials | null;
  /** --capture-file, else a new file in capturesDir named after the start time and run tag. */
  captureFile?: string;
  capturesDir: string;
  runTag: string;
  now: () => Date;
  forwardTo?: URL;
  /** Reply to each user message with the same text, as the bot. */
  echo?: boolean;
  /** The REST client (created on first use) and the bot, when there is a profile. */
  client?: () => Promise<CometChatClient>;
  botUid?: string;
  inspectPort?: number;
  tunnel?: { opener: () => Promise<TunnelOpener>; authtoken: string; domain?: string; nonce: () => string };
  /** Set the bot's webhook to the public URL (or the local one when the API is on this machine). */
  register: boolean;
  /** On close, set the bot `enabled: false`. */
  cleanup: boolean;
  /** The REST API runs on this machine (the emulator): it can call the local URL. */
  apiIsLocal: boolean;
  /** --respond / --delay: answer the first deliveries of each callback with an error, or late. */
  respond?: { status: number; times: number; delayMs: number };
}

export interface ListenReady {
  localUrl: string;
  publicUrl: string | null;
  captureFile: string;
  inspectUrl?: string;
}

export interface ListenSummary {
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Answered 503 because the capture could not be written. */
  captureFailures: number;
  captureFile: string;
  /** With --respond/--delay: the callbacks CometChat delivered more than once, and the delays between. */
  redeliveries: Redelivery[];
}

export interface ListenSessionEvents {
  /** Accepted, recorded and acked (rendering happens after the ack, never before it). */
  request: [AcceptedRequest];
  rejected: [CaptureRecord];
  forward: [ForwardResult];
  reply: [{ id: string; messageId: string; receiver: string; receiverType: 'user' | 'group' }];
  'reply-failed': [{ id: string; error: string }];
  tunnel: [{ status: string }];
  'tunnel-failed': [{ error: string }];
  selftest: [{ result: SelfTestResult; publicUrl: string | null }];
  registered: [{ uid: string; url: string | null; enabled: boolean }];
  'register-failed': [{ uid: string; enabling: boolean; error: string }];
  'capture-error': [{ file: string; code: string }];
  'capture-recovered': [{ file: string }];
  /** Anything else worth telling the user (the inspector's notes). */
  warning: [string];
}

export class ListenSession extends EventEmitter<ListenSessionEvents> {
  readonly store: CaptureStore;
  readonly server: CallbackServer;
  private forwarder?: Forwarder;
  private readonly echoQueue = new TaskQueue(4, 1_000);
  private inspector?: { url: string; close(): Promise<void> };
  private endpoint?: PublicEndpoint;
  private local?: { port: number; url: string };
  private captureFailures = 0;
  private closing?: Promise<ListenSummary>;

  constructor(private readonly opts: ListenSessionOptions) {
    super();
    const events = {
      onError: (e: NodeJS.ErrnoException) => this.emit('capture-error', { file: this.store.file, code: e.code ?? e.message }),
      onRecover: () => this.emit('capture-recovered', { file: this.store.file }),
    };
    this.store = opts.captureFile ? new CaptureStore(opts.captureFile, events) : CaptureStore.inDir(opts.capturesDir, opts.now(), opts.runTag, events);
    this.server = new CallbackServer({ host: opts.host, port: opts.port, path: opts.path, credentials: opts.credentials, store: this.store, runTag: opts.runTag, now: opts.now, ...(opts.respond ? { respond: opts.respond } : {}) });
    this.server.on('request', (req) => this.emit('request', req));
    this.server.on('rejected', (record) => this.emit('rejected', record));
    this.server.on('captureFailed', () => this.captureFailures++);
  }

  get publicUrl(): string | null {
    return this.endpoint?.url ?? null;
  }

  /** The webhook CometChat should call: the public URL, or the local one when the API is local. */
  private webhookUrl(): string | null {
    return this.publicUrl ?? (this.opts.apiIsLocal && this.local ? this.local.url : null);
  }

  /**
   * Starts everything, in order; any failure closes what was already started and throws, so a
   * session never runs half set up. A tunnel that cannot open is not a failure (local only).
   */
  async start(): Promise<ListenReady> {
    try {
      // An unwritable capture file at start-up is fatal: nothing could ever be recorded (or acked).
      this.store.openOrThrow();
    } catch (e) {
      throw new CliError(
        `cannot write the capture file ${this.store.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        this.opts.captureFile ? 'pass a --capture-file in a folder you can write to' : 'check the permissions of the captures folder, or set COMETBOT_HOME to a writable folder',
      );
    }
    try {
      this.local = await this.server.start();
    } catch (e) {
      await this.store.close();
      const code = (e as NodeJS.ErrnoException).code;
      const { host, port } = this.opts;
      if (code === 'EADDRINUSE') throw serverStartError(e, { what: 'listen', port: `port ${port} on ${host}`, hint: 'stop the other process, or pass another port: --port 0 picks a free one' });
      if (code === 'EACCES') throw new CliError(`no permission to listen on port ${port}`, 'use a port above 1024, e.g. --port 3978');
      throw new CliError(`cannot listen on ${host}:${port} (${code ?? (e as Error).message})`, 'check --host and --port');
    }
    try {
      await this.startAround();
    } catch (e) {
      this.server.destroy();
      await this.endpoint?.close().catch(() => undefined);
      await this.inspector?.close().catch(() => undefined);
      await this.store.close().catch(() => undefined);
      throw e;
    }
    return { localUrl: this.local.url, publicUrl: this.publicUrl, captureFile: this.store.file, ...(this.inspector ? { inspectUrl: this.inspector.url } : {}) };
  }

  /** What hangs off the server: forwarding, echo, the inspector, the public URL, registration. */
  private async startAround(): Promise<void> {
    const { opts } = this;
    if (opts.forwardTo) {
      const { Forwarder } = await import('./forwarder.js');
      const forwarder = new Forwarder(opts.forwardTo, (r) => this.emit('forward', r));
      this.forwarder = forwarder;
      this.server.on('request', (req) => forwarder.forward({ id: req.record.id, body: req.bodyText, authorization: req.authorization, contentType: headerString(req.record.headers['content-type']) }));
    }
    if (opts.echo && opts.client && opts.botUid) this.server.on('request', (req) => this.echo(req));
    if (opts.inspectPort !== undefined) {
      const { startInspector } = await import('../inspector/server.js');
      this.inspector = await startInspector({
        port: opts.inspectPort,
        captureFiles: opts.captureFile ? [this.store.file] : [], // a new per-run file starts empty
        live: this.server,
        forwardTo: opts.forwardTo,
        replayAuth: opts.credentials ?? undefined,
        warn: (line) => this.emit('warning', line),
      });
    }
    if (opts.tunnel) {
      const { PublicEndpoint } = await import('./public-endpoint.js');
      const endpoint = new PublicEndpoint({
        opener: opts.tunnel.opener,
        addr: `${opts.host}:${this.local!.port}`,
        authtoken: opts.tunnel.authtoken,
        domain: opts.tunnel.domain,
        credentials: opts.credentials,
        path: opts.path,
        server: this.server,
        nonce: opts.tunnel.nonce,
      });
      this.endpoint = endpoint;
      endpoint.on('status', (status) => this.emit('tunnel', { status }));
      try {
        await endpoint.open();
      } catch (e) {
        this.emit('tunnel-failed', { error: (e as Error).message });
      }
    }
    if (this.webhookUrl() && opts.register) await this.register(true);
  }

  /** Sends the self-test through the public URL (after the banner); reopens without edge auth if need be. */
  async selfTest(): Promise<void> {
    if (!this.endpoint?.url) return;
    const result = await this.endpoint.selfTest();
    if (result === 'reopened' && this.opts.register) await this.register(true);
    this.emit('selftest', { result, publicUrl: this.publicUrl });
  }

  private echo(req: AcceptedRequest): void {
    const s = req.summary;
    const { client, botUid } = this.opts;
    // Never answer the bot itself (that would loop), duplicates, or anything without text.
    if (req.record.duplicate || !s.text || s.sender === botUid || s.category !== 'message') return;
    const target = replyTarget(s);
    if (!target || !client || !botUid) return;
    this.echoQueue.push(async () => {
      try {
        const sent = await (await client()).sendBotMessage(botUid, { ...target, category: 'message', type: 'text', data: { text: s.text } });
        this.emit('reply', { id: req.record.id, messageId: String(sent.id), ...target });
      } catch (e) {
        this.emit('reply-failed', { id: req.record.id, error: (e as Error).message });
      }
    });
  }

  private async register(enabled: boolean): Promise<void> {
    const { client, botUid } = this.opts;
    if (!client || !botUid) return;
    const url = this.webhookUrl();
    try {
      await (await client()).updateBot(botUid, enabled ? { webhookURL: url, enabled: true } : { enabled: false });
      this.emit('registered', { uid: botUid, url, enabled });
    } catch (e) {
      this.emit('register-failed', { uid: botUid, enabling: enabled, error: (e as Error).message });
    }
  }

  get counts(): ListenSummary {
    const c = this.server.counts;
    return { accepted: c.accepted, rejected: c.rejected, duplicates: c.duplicates, captureFailures: this.captureFailures, captureFile: this.store.file, redeliveries: this.server.redeliveries() };
  }

  /** Requests being read or answered right now. */
  get requestsInFlight(): number {
    return this.server.requestsInFlight;
  }

  /**
   * Stops accepting, finishes in-flight requests (up to graceMs), drains forwards and replies,
   * disables the bot (cleanup), closes the tunnel and the inspector, and writes what is queued.
   */
  close(graceMs = 5_000): Promise<ListenSummary> {
    this.closing ??= (async () => {
      await this.server.close(graceMs);
      await Promise.all([this.forwarder?.drain(3_000), this.echoQueue.drain(3_000)]);
      if (this.opts.cleanup) await this.register(false);
      await this.endpoint?.close();
      await this.inspector?.close();
      await this.store.close();
      return this.counts;
    })();
    return this.closing;
  }

  /** A second Ctrl-C: drop connections and queued work now; what was acked is still written. */
  destroy(): void {
    this.server.destroy();
    void this.store.close();
    void this.endpoint?.close();
    void this.inspector?.close();
  }
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

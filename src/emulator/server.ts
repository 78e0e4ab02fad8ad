// The local CometChat stand-in, a thin front: HTTP in, the app/key check, the route table, the outbox
// and the relay of messages to bots' webhooks. The rules and the state are the backend's.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { pushBounded } from '../core/bounded.js';
import { Backend } from './backend/index.js';
import { ApiError } from './backend/errors.js';
import type { Delivery, DeliveryAttempt, Fault, Json, Message } from './backend/model.js';
import { CallbackLinks, type TurnEvent } from './callback-links.js';
import { control } from './control.js';
import { checkApp, headerText } from './http/app-check.js';
import { errorBody, internalError, readJson, redactBody, redactHeaders, writeJson } from './http/envelope.js';
import { Body, Query, onBehalfOf } from './http/input.js';
import { Router, type CallNote, type Operation } from './http/router.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { DEFAULT_RELAY, Relay, changeDecision, relayDecision } from './relay.js';
import { defineRoutes } from './routes/index.js';
import { messageView, userEntity } from './views.js';

export type { OutboxEntry } from './outbox.js';
export type { TurnEvent } from './callback-links.js';
export type { Operation } from './http/router.js';
export { parseCometChatHost } from './http/app-check.js';
export { OPENAPI_OPERATIONS } from './http/openapi-operations.js';
export { passesGroupSetting } from './relay.js';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  appId?: string;
  region?: string;
  apiKey?: string;
  /** Accept any non-empty apikey (a test run where nothing names the key the bot uses). */
  anyApiKey?: boolean;
  /** Refuse calls to CometChat's hosts for another app id (when the app id was named, not defaulted). */
  strictAppId?: boolean;
  retryDelaysMs?: number[];
  callbackTimeoutMs?: number;
  faults?: Fault[];
  botsApi?: boolean;
  /** Sample users (alice, bob, carol) and a group (team), like the sample users of a new CometChat app. */
  seed?: boolean;
  now?: () => Date;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  body?: unknown;
}

/** A message sent by (or on behalf of) a bot, as stored, with the callback it answers. */
export interface BotMessageEvent {
  message: Json;
  /** The open callback it answers. */
  callbackId?: number;
  /** No open callback: the closed one (an earlier test case's) it most likely answers, late. */
  lateOf?: number;
}

/** A user message that reached no bot, and why (group setting, membership, disabled bot). */
export interface NotRelayedEvent {
  message: Json;
  skipped: { bot: string; reason: string }[];
}

export interface UserMessageResult {
  message: Json;
  deliveries: Delivery[];
  skipped: { bot: string; reason: string }[];
}

export interface EmulatorEvents {
  message: [Json];
  request: [RequestLogEntry];
  outbox: [OutboxEntry];
  'bot-message': [BotMessageEvent];
  'not-relayed': [NotRelayedEvent];
  turn: [TurnEvent];
  /** A callback attempt finished (answered, failed or timed out). */
  delivery: [Delivery];
}

export class Emulator extends EventEmitter<EmulatorEvents> {
  /** The emulated app's domain API: users, bots, groups, messages, history, faults. */
  readonly backend: Backend;
  readonly appId: string;
  readonly region: string;
  readonly apiKey: string;
  readonly requests: RequestLogEntry[] = [];
  private readonly outboxLog = new Outbox();
  private readonly relay: Relay;
  private readonly links: CallbackLinks;
  private readonly router: Router;
  /** What the last relay of each user message did, read back by userMessage() (events are synchronous). */
  private lastRelay?: { messageId: string; deliveries: Delivery[]; skipped: { bot: string; reason: string }[] };
  private readonly now: () => Date;
  private readonly startedAt: number;
  private server?: Server;

  constructor(private readonly opts: EmulatorOptions = {}) {
    super();
    const now = (this.now = opts.now ?? (() => new Date()));
    this.startedAt = now().getTime();
    this.appId = opts.appId ?? 'emulator';
    this.region = opts.region ?? 'us';
    this.apiKey = opts.apiKey ?? 'emulator-key';
    this.backend = new Backend({ now: () => Math.floor(now().getTime() / 1000), seed: opts.seed, faults: opts.faults, botsApi: opts.botsApi });
    this.relay = new Relay(
      this.backend.store,
      { appId: this.appId, region: this.region, timeoutMs: opts.callbackTimeoutMs ?? DEFAULT_RELAY.timeoutMs, retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RELAY.retryDelaysMs },
      now,
    );
    this.relay.on('delivery', (d) => this.emit('delivery', d));
    this.links = new CallbackLinks(this.relay);
    this.links.on('turn', (t) => this.emit('turn', t));
    this.router = defineRoutes(new Router(), { backend: this.backend, links: this.links });
    this.backend.on('message', (m) => this.stored(m));
    this.backend.on('change', ({ target, action, by }) => this.relayTo(action, changeDecision(target, by, this.backend.store)));
  }

  /** Back to the seed state (POST /_emulator/reset): ids, sequence numbers and logs' counters keep counting. */
  reset(): void {
    this.relay.cancelRetries();
    this.links.clear(false);
    this.backend.reset();
    this.requests.length = 0;
    this.outboxLog.clear();
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('emulator is not listening');
    return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  /** The value for COMETBOT_API_URL. */
  get baseUrl(): string {
    return `${this.url}/v3`;
  }

  /** Every REST call made to the emulator, refused ones included (the newest 10,000). */
  get outbox(): readonly OutboxEntry[] {
    return this.outboxLog.entries;
  }

  /** The operations served (method, path, operationId). */
  operations(): Operation[] {
    return this.router.operations();
  }

  async start(): Promise<this> {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    return this;
  }

  async close(): Promise<void> {
    this.links.clear(true);
    await this.relay.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // The domain side of relaying, for the test runner, `emulate`, `dev` and the library.

  /** A user as CometChat shows it inside messages (entities, mentions). */
  entityOf(uid: string): Json {
    return userEntity(this.backend.users.find(uid), uid);
  }

  /** A message typed by an emulated user (the chat prompt, demo): same checks and relay as POST /messages. */
  userSays(sender: string, target: { receiver: string; receiverType: 'user' | 'group' }, text: string, parentId?: string): Json {
    return this.userMessage(sender, { ...target, category: 'message', type: 'text', data: { text } }, parentId).message;
  }

  /**
   * Any message from an emulated user (text, custom, media, a thread reply), checked and relayed as
   * CometChat would; says which bots it reached and why others were not reached. A refusal throws
   * an Error "CODE: message".
   */
  userMessage(sender: string, body: Json, parentId?: string): UserMessageResult {
    let message: Message;
    try {
      message = this.backend.messages.send(sender, body, { via: 'user', ...(parentId !== undefined ? { parentId } : {}) });
    } catch (e) {
      if (e instanceof ApiError) throw new Error(`${e.code}: ${e.message}`);
      throw e;
    }
    const relayed = this.lastRelay?.messageId === message.id ? this.lastRelay : { deliveries: [], skipped: [] };
    return { message: messageView(message), deliveries: relayed.deliveries, skipped: relayed.skipped };
  }

  /** CometChat's retry: the same callback (same data.id) delivered again. */
  redeliver(delivery: Delivery): Delivery | undefined {
    const again = this.relay.redeliver(delivery);
    const message = again && this.backend.message(delivery.messageId);
    if (again && message) this.links.opened(again, message.conversationId);
    return again;
  }

  /** Resolves with the delivery's next finished attempt. */
  nextAttempt(delivery: Delivery): Promise<DeliveryAttempt> {
    return this.relay.nextAttempt(delivery);
  }

  /** How callbacks are sent from now on: a test run sets the timeout per case and turns retries off. */
  setCallbackPolicy(policy: { timeoutMs?: number; retryDelaysMs?: number[] }): void {
    if (policy.timeoutMs !== undefined) this.relay.opts.timeoutMs = policy.timeoutMs;
    if (policy.retryDelaysMs !== undefined) this.relay.opts.retryDelaysMs = policy.retryDelaysMs;
  }

  /** Resolves when no callback attempt is in flight. */
  idle(): Promise<void> {
    return this.relay.idle();
  }

  private stored(message: Message): void {
    const shown = messageView(message);
    this.emit('message', shown);
    if (message.via === 'user') {
      const decision = relayDecision(message, this.backend.store);
      const deliveries = this.relayTo(message, decision);
      this.lastRelay = { messageId: message.id, deliveries, skipped: decision.skipped };
      if (deliveries.length === 0 && decision.skipped.length > 0) this.emit('not-relayed', { message: shown, skipped: decision.skipped });
    } else if (message.via === 'bot') {
      const { callbackId, lateOf } = this.links.resolve(message.sender, message.receiver, message.receiverType);
      if (callbackId !== undefined) this.links.replied(callbackId, message.id);
      this.emit('bot-message', { message: shown, ...(callbackId !== undefined ? { callbackId } : {}), ...(lateOf !== undefined ? { lateOf } : {}) });
    }
  }

  private relayTo(message: Message, decision: ReturnType<typeof relayDecision>): Delivery[] {
    const deliveries = this.relay.relay(message, decision);
    for (const d of deliveries) this.links.opened(d, message.conversationId);
    return deliveries;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    let status = 200;
    let payload: unknown;
    let body: Json = {};
    const started = performance.now();
    const note: CallNote = {};
    let api = false;
    let injected = false;
    let operationId: string | undefined;
    try {
      body = await readJson(req, res);
      if (url.pathname.startsWith('/_emulator/')) {
        payload = control(method, url.pathname, body, url.searchParams, { backend: this.backend, appId: this.appId, region: this.region, startedAt: this.startedAt, now: this.now().getTime(), outbox: this.outboxLog, reset: () => this.reset() });
      } else {
        api = true;
        const base = /^\/v3(?:\.0)?(?=\/)/.exec(url.pathname);
        if (!base) throw new ApiError(404, 'ERR_ROUTE_NOT_FOUND', `The route ${url.pathname} does not exist. The base URL ends in /v3.`);
        const path = url.pathname.slice(base[0].length);
        // Noted before the check, so a refused call still says which host the bot called.
        const host = headerText(req.headers['x-forwarded-host']);
        if (host) note.host = host;
        checkApp(req.headers, { appId: this.appId, apiKey: this.apiKey, anyApiKey: this.opts.anyApiKey, strictAppId: this.opts.strictAppId });
        const fault = this.backend.takeFault(method, path);
        if (fault) {
          injected = true;
          if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
          throw new ApiError(fault.status, fault.code, `Injected fault ${fault.code}.`);
        }
        const { route, handler, params } = this.router.find(method, path);
        operationId = route.operationId;
        const who = onBehalfOf(req.headers);
        payload = handler({ method, path, params, body: new Body(body), query: new Query(url.searchParams), headers: req.headers, ...(who ? { onBehalfOf: who } : {}), note });
      }
    } catch (e) {
      if (e instanceof ApiError) {
        status = e.status;
        payload = errorBody(e);
      } else {
        status = 500;
        payload = internalError(e);
      }
    }
    const entry: RequestLogEntry = { method, path: url.pathname, status, ...(Object.keys(body).length ? { body: redactBody(body) } : {}) };
    pushBounded(this.requests, entry);
    this.emit('request', entry);
    if (api) {
      const error = status >= 400 ? (payload as { error?: { code?: string; message?: string } }).error : undefined;
      const call = this.outboxLog.add({
        at: this.now().toISOString(),
        method,
        path: url.pathname,
        headers: redactHeaders(req.headers),
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        status,
        ...(error?.code ? { errorCode: error.code } : {}),
        ...(error?.message ? { errorMessage: error.message } : {}),
        ms: Math.round(performance.now() - started),
        ...(note.host ? { host: note.host } : {}),
        ...(note.callbackId !== undefined ? { callbackId: note.callbackId } : {}),
        ...(note.messageId ? { messageId: note.messageId } : {}),
        ...(injected ? { injected } : {}),
        ...(note.warning ? { warning: note.warning } : {}),
        ...(operationId ? { operationId } : {}),
      });
      this.emit('outbox', call);
    }
    writeJson(res, status, payload);
  }
}

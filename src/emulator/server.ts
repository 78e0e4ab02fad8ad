// The local CometChat stand-in: REST routes with CometChat's envelopes, apikey check, fault switches.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { EmulatorState, conversationId, type Bot, type Delivery, type Fault, type Message } from './state.js';
import { DEFAULT_RELAY, Relay, publicMessage, relayDecision, userEntity } from './relay.js';
import { pushBounded } from '../core/bounded.js';

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

/** One REST call a client (the bot) made, refused ones included: what `GET /_emulator/outbox` lists. */
export interface OutboxEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  /** Request headers, apikey redacted. */
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  errorCode?: string;
  ms: number;
  /** The callback (delivery id) this call answers: the open callback of the bot's conversation. */
  callbackId?: number;
  /** The message the call created, if any. */
  messageId?: string;
  /** The CometChat host the bot called (its call was routed here), e.g. myapp.api-eu.cometchat.io. */
  host?: string;
  /** The refusal was asked for by a fault (a test's fault step): expected, not a bot error. */
  injected?: boolean;
  /** Something CometChat might accept but a bot should not do (a bot messaging itself). */
  warning?: string;
}

/** A message sent by (or on behalf of) a bot, as stored, with the callback it answers. */
export interface BotMessageEvent {
  message: Record<string, unknown>;
  callbackId?: number;
}

/** A user message that reached no bot, and why (group setting, membership, disabled bot). */
export interface NotRelayedEvent {
  message: Record<string, unknown>;
  skipped: { bot: string; reason: string }[];
}

/** One relayed message and what came of it: emitted once replies came (the next callback) or 5 s passed. */
export interface TurnEvent {
  callbackId: number;
  messageId: string;
  to: string;
  status: number | null;
  ackMs: number | null;
  error?: string;
  replies: { id: string; ms: number }[];
}

export interface UserMessageResult {
  message: Record<string, unknown>;
  deliveries: Delivery[];
  skipped: { bot: string; reason: string }[];
}

export interface EmulatorEvents {
  message: [Record<string, unknown>];
  request: [RequestLogEntry];
  outbox: [OutboxEntry];
  'bot-message': [BotMessageEvent];
  'not-relayed': [NotRelayedEvent];
  turn: [TurnEvent];
}

/** How long a turn waits for replies before it is reported (the NDJSON `turn` event). */
const TURN_WINDOW_MS = 5_000;

const MAX_BODY = 1024 * 1024;
const BOT_FIELDS = ['webhookURL', 'enabled', 'groupChatSetting', 'useBasicAuth', 'username', 'password'] as const;
const GROUP_SETTINGS = new Set(['allMessages', 'slashedMessages', 'mentionedMessages', 'none']);

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super(message);
  }
}

const fail = (status: number, code: string, message: string, details?: Record<string, string[]>): never => {
  throw new HttpFailure(status, code, message, details);
};

type Handler = (req: Request) => unknown;
interface Request {
  method: string;
  params: string[];
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  query: URLSearchParams;
  /** What the call did, for its outbox entry. */
  note: CallNote;
}
interface CallNote {
  /** The CometChat host the bot called, when the call was routed here from it. */
  host?: string;
  callbackId?: number;
  messageId?: string;
  warning?: string;
}

interface OpenTurn {
  turn: TurnEvent;
  started: number;
  timer: NodeJS.Timeout;
}

export class Emulator extends EventEmitter<EmulatorEvents> {
  readonly state: EmulatorState;
  readonly relay: Relay;
  readonly appId: string;
  readonly region: string;
  readonly apiKey: string;
  readonly requests: RequestLogEntry[] = [];
  readonly outbox: OutboxEntry[] = [];
  private nextOutboxSeq = 1;
  /** The latest callback delivered to a bot in a conversation: replies in it answer that callback. */
  private readonly openCallbacks = new Map<string, number>();
  private readonly turns = new Map<number, OpenTurn>();
  private readonly startedAt = Date.now();
  private server?: Server;
  private readonly routes: [string, RegExp, Handler][] = [];
  private readonly opts: EmulatorOptions;

  constructor(opts: EmulatorOptions = {}) {
    super();
    this.opts = opts;
    const now = opts.now ?? (() => new Date());
    this.appId = opts.appId ?? 'emulator';
    this.region = opts.region ?? 'us';
    this.apiKey = opts.apiKey ?? 'emulator-key';
    this.state = new EmulatorState(() => Math.floor(now().getTime() / 1000));
    this.state.faults = [...(opts.faults ?? [])];
    this.state.botsApi = opts.botsApi ?? true;
    this.relay = new Relay(
      this.state,
      { appId: this.appId, region: this.region, timeoutMs: opts.callbackTimeoutMs ?? DEFAULT_RELAY.timeoutMs, retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RELAY.retryDelaysMs },
      now,
    );
    this.defineRoutes();
    if (opts.seed !== false) this.seed();
  }

  /** Back to the seed state (POST /_emulator/reset): ids, sequence numbers and logs' counters keep counting. */
  reset(): void {
    this.relay.cancelRetries();
    for (const open of this.turns.values()) clearTimeout(open.timer);
    this.turns.clear();
    this.openCallbacks.clear();
    const s = this.state;
    s.users.clear();
    s.bots.clear();
    s.groups.clear();
    s.messages.length = 0;
    s.deliveries.length = 0;
    s.faults = [...(this.opts.faults ?? [])];
    s.botsApi = this.opts.botsApi ?? true;
    this.requests.length = 0;
    this.outbox.length = 0;
    if (this.opts.seed !== false) this.seed();
  }

  private seed(): void {
    const at = this.state.now();
    for (const [uid, name] of [['alice', 'Alice Example'], ['bob', 'Bob Example'], ['carol', 'Carol Example']] as const) {
      this.state.users.set(uid, { uid, name, status: 'offline', role: 'default', createdAt: at });
    }
    this.state.groups.set('team', { guid: 'team', name: 'Team', type: 'public', createdAt: at, members: new Set(['alice', 'bob', 'carol']) });
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
    for (const open of [...this.turns.values()]) this.endTurn(open.turn.callbackId);
    await this.relay.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private route(method: string, pattern: string, handler: Handler): void {
    const regex = new RegExp(`^${pattern.replace(/:[a-z]+/gi, '([^/]+)')}$`);
    this.routes.push([method, regex, handler]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    let status = 200;
    let payload: unknown;
    let body: Record<string, unknown> = {};
    const started = performance.now();
    const note: CallNote = {};
    let api = false;
    let injected = false;
    try {
      body = await readJson(req);
      if (url.pathname.startsWith('/_emulator/')) {
        payload = this.control(method, url.pathname, body, url.searchParams);
      } else {
        api = true;
        if (!url.pathname.startsWith('/v3/')) fail(404, 'ERR_ROUTE_NOT_FOUND', `The route ${url.pathname} does not exist. The base URL ends in /v3.`);
        const path = url.pathname.slice(3);
        this.checkApp(req, note);
        const fault = this.state.takeFault(method, path);
        if (fault) {
          injected = true;
          if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
          fail(fault.status, fault.code, `Injected fault ${fault.code}.`);
        }
        payload = { data: this.dispatch(method, path, { method, params: [], body, headers: req.headers, query: url.searchParams, note }) };
      }
    } catch (e) {
      if (e instanceof HttpFailure) {
        status = e.status;
        payload = { error: { message: e.message, devMessage: e.message, source: 'chat-api', code: e.code, ...(e.details ? { details: e.details } : {}) } };
      } else {
        status = 500;
        payload = { error: { message: 'Internal emulator error.', devMessage: String(e), source: 'chat-api', code: 'ERR_INTERNAL' } };
      }
    }
    const entry: RequestLogEntry = { method, path: url.pathname, status, ...(Object.keys(body).length ? { body: redactBody(body) } : {}) };
    pushBounded(this.requests, entry);
    this.emit('request', entry);
    if (api) {
      const errorCode = status >= 400 ? (payload as { error?: { code?: string } }).error?.code : undefined;
      const call: OutboxEntry = {
        seq: this.nextOutboxSeq++,
        at: new Date().toISOString(),
        method,
        path: url.pathname,
        headers: redactHeaders(req.headers),
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        status,
        ...(errorCode ? { errorCode } : {}),
        ms: Math.round(performance.now() - started),
        ...(note.host ? { host: note.host } : {}),
        ...(note.callbackId !== undefined ? { callbackId: note.callbackId } : {}),
        ...(note.messageId ? { messageId: note.messageId } : {}),
        ...(injected ? { injected } : {}),
        ...(note.warning ? { warning: note.warning } : {}),
      };
      pushBounded(this.outbox, call);
      this.emit('outbox', call);
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /**
   * CometChat's checks, for calls to the base URL (COMETCHAT_API_URL) and for calls a bot made to
   * CometChat's own hosts (routed here, the host in x-forwarded-host): the documented
   * {appId}.api-{region}.cometchat.io with `apikey`, or the older api-{region}.cometchat.io with
   * `appId` and `apiKey` headers. Header names and the region are case-insensitive, as HTTP has them.
   */
  private checkApp(req: IncomingMessage, note: CallNote): void {
    const forwarded = headerText(req.headers['x-forwarded-host']);
    if (forwarded) {
      note.host = forwarded;
      const host = parseCometChatHost(forwarded) ?? fail(404, 'ERR_ROUTE_NOT_FOUND', `${forwarded} is not a CometChat API host (expected {appId}.api-{region}.cometchat.io).`);
      const appId = host.appId ?? headerText(req.headers.appid) ?? fail(401, 'AUTH_ERR_EMPTY_APPID', 'The appId header is empty: with the api-{region}.cometchat.io URL, send appId and apiKey headers.');
      if (this.opts.strictAppId && appId.toLowerCase() !== this.appId.toLowerCase()) fail(401, 'AUTH_ERR_APIKEY_NOT_FOUND', `The app ${appId} does not exist here: this run emulates the app ${this.appId}.`);
    }
    const key = headerText(req.headers.apikey);
    if (!key) fail(401, 'AUTH_ERR_EMPTY_APIKEY', 'The apikey header is missing.');
    if (key !== this.apiKey && !this.opts.anyApiKey) fail(401, 'AUTH_ERR_APIKEY_NOT_FOUND', 'The provided API key does not exist for this app.');
  }

  private dispatch(method: string, path: string, req: Request): unknown {
    let pathMatched = false;
    for (const [m, regex, handler] of this.routes) {
      const match = regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (m === method) return handler({ ...req, params: match.slice(1).map(decodeURIComponent) });
    }
    return pathMatched
      ? fail(405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}.`)
      : fail(404, 'ERR_ROUTE_NOT_FOUND', `The route ${path} does not exist in the emulator.`);
  }

  /** Emulator-only endpoints for scripts and tests: state, faults. */
  private control(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): unknown {
    if (method === 'GET' && path === '/_emulator/health') {
      return { data: { ok: true, appId: this.appId, region: this.region, uptimeMs: Date.now() - this.startedAt } };
    }
    if (method === 'POST' && path === '/_emulator/reset') {
      this.reset();
      return { data: { ok: true } };
    }
    if (method === 'GET' && path === '/_emulator/outbox') {
      const since = Number(query.get('since') ?? 0);
      if (!Number.isInteger(since) || since < 0) fail(400, 'ERR_BAD_REQUEST', 'since must be a whole number (the "next" of an earlier answer).');
      return { data: this.outbox.filter((e) => e.seq > since), next: this.nextOutboxSeq - 1 };
    }
    if (method === 'GET' && path === '/_emulator/state') {
      return {
        data: {
          users: [...this.state.users.values()],
          bots: [...this.state.bots.values()].map(({ password: _p, ...bot }) => bot),
          groups: [...this.state.groups.values()].map((g) => ({ ...g, members: [...g.members] })),
          conversations: this.state.conversations().map((c) => ({ ...c, messages: c.messages.map(publicMessage) })),
          deliveries: this.state.deliveries,
        },
      };
    }
    if (method === 'DELETE' && path === '/_emulator/faults') {
      this.state.faults = [];
      return { data: { faults: [], botsApi: this.state.botsApi } };
    }
    if (method === 'POST' && path === '/_emulator/faults') {
      // Appends; {"replace": true} replaces the list (so {"faults": [], "replace": true} clears it, as DELETE does).
      if (body.faults !== undefined) {
        const faults = Array.isArray(body.faults) ? body.faults.map(checkFault) : fail(400, 'ERR_BAD_REQUEST', 'faults must be a list of {status, code, times, retryAfter?, match?}.');
        this.state.faults = body.replace === true ? faults : [...this.state.faults, ...faults];
      } else if (body.replace === true) this.state.faults = [];
      if (typeof body.botsApi === 'boolean') this.state.botsApi = body.botsApi;
      return { data: { faults: this.state.faults, botsApi: this.state.botsApi } };
    }
    return fail(404, 'ERR_ROUTE_NOT_FOUND', `The emulator route ${method} ${path} does not exist.`);
  }

  private requireBotsApi(): void {
    if (!this.state.botsApi) fail(404, 'ERR_ROUTE_NOT_FOUND', 'The bots API is not available for this app.');
  }

  private defineRoutes(): void {
    const s = this.state;
    // Users
    this.route('GET', '/users', () => [...s.users.values()].filter((u) => u.deactivatedAt === undefined));
    this.route('GET', '/users/:uid', ({ params: [uid] }) => s.activeUser(uid!) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist, please make sure you have created a user with UID ${uid}.`));
    this.route('POST', '/users', ({ body }) => {
      const uid = requiredString(body, 'uid').toLowerCase();
      const name = requiredString(body, 'name');
      if (!/^[a-z0-9_-]{1,100}$/.test(uid)) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { uid: ['The uid may only contain letters, numbers, dashes and underscores.'] });
      if (s.users.has(uid)) fail(409, 'ERR_UID_ALREADY_EXISTS', `The uid ${uid} already exists. Please use another uid or try after permanently deleting the user.`);
      const user = { uid, name, ...(typeof body.avatar === 'string' ? { avatar: body.avatar } : {}), status: 'offline' as const, role: 'default', createdAt: s.now() };
      s.users.set(uid, user);
      return user;
    });
    this.route('PUT', '/users', ({ body }) => {
      const uids = Array.isArray(body.uidsToActivate) ? (body.uidsToActivate as string[]) : fail(400, 'ERR_BAD_REQUEST', 'uidsToActivate is required.');
      for (const uid of uids) delete s.users.get(uid)?.deactivatedAt;
      return { success: true };
    });
    this.route('PUT', '/users/:uid', ({ params: [uid], body }) => {
      const user = s.activeUser(uid!) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
      if (typeof body.name === 'string') user.name = body.name;
      if (typeof body.avatar === 'string') user.avatar = body.avatar;
      return user;
    });
    this.route('DELETE', '/users/:uid', ({ params: [uid], body }) => {
      const user = s.users.get(uid!) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
      if (body.permanent === true) s.users.delete(uid!);
      else user.deactivatedAt = s.now();
      return { success: true, message: `User with ${uid} has been deleted successfully.` };
    });

    // Bots (not in the OpenAPI file; shaped as the live docs describe)
    this.route('GET', '/bots', () => {
      this.requireBotsApi();
      return [...s.bots.values()].map(botView);
    });
    this.route('GET', '/bots/:uid', ({ params: [uid] }) => {
      this.requireBotsApi();
      return botView(s.bots.get(uid!) ?? fail(404, 'ERR_BOT_NOT_FOUND', `The bot ${uid} does not exist.`));
    });
    this.route('POST', '/bots', ({ body }) => {
      this.requireBotsApi();
      const uid = requiredString(body, 'uid').toLowerCase();
      if (!s.activeUser(uid)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist, please create the user first.`);
      if (s.bots.has(uid)) fail(409, 'ERR_BOT_ALREADY_EXISTS', `The bot ${uid} already exists.`);
      const bot: Bot = { uid, enabled: false, groupChatSetting: 'none', useBasicAuth: false, createdAt: s.now() };
      applyBotFields(bot, body, true);
      s.bots.set(uid, bot);
      return botView(bot);
    });
    this.route('PUT', '/bots/:uid', ({ params: [uid], body }) => {
      this.requireBotsApi();
      const bot = s.bots.get(uid!) ?? fail(404, 'ERR_BOT_NOT_FOUND', `The bot ${uid} does not exist.`);
      applyBotFields(bot, body, false);
      bot.updatedAt = s.now();
      return botView(bot);
    });
    this.route('DELETE', '/bots/:uid', ({ params: [uid] }) => {
      this.requireBotsApi();
      if (!s.bots.delete(uid!)) fail(404, 'ERR_BOT_NOT_FOUND', `The bot ${uid} does not exist.`);
      return { success: true, message: `Bot ${uid} has been deleted successfully.` };
    });

    // Messages
    this.route('POST', '/bots/:uid/messages', ({ params: [uid], body, note }) => {
      if (!s.activeUser(uid!)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
      if (s.botsApi && !s.bots.has(uid!)) fail(404, 'ERR_BOT_NOT_FOUND', `The UID ${uid} is not a bot.`);
      return this.send(uid!, body, 'bot', undefined, note);
    });
    this.route('POST', '/messages', ({ body, headers, note }) => {
      const sender = onBehalfOf(headers);
      return this.send(sender, body, s.bots.has(sender) ? 'bot' : 'user', undefined, note);
    });
    this.route('POST', '/messages/:id/thread', ({ params: [id], body, headers, note }) => {
      if (!s.messages.some((m) => m.id === id)) fail(404, 'ERR_MESSAGE_NOT_FOUND', `The message ${id} does not exist.`);
      const sender = onBehalfOf(headers);
      return this.send(sender, body, s.bots.has(sender) ? 'bot' : 'user', id, note);
    });

    // Groups: the minimum that group relays need.
    this.route('POST', '/groups', ({ body }) => {
      const guid = requiredString(body, 'guid').toLowerCase();
      const name = requiredString(body, 'name');
      if (s.groups.has(guid)) fail(409, 'ERR_GUID_ALREADY_EXISTS', `The guid ${guid} already exists.`);
      const type = body.type === 'private' || body.type === 'password' ? body.type : 'public';
      const group = { guid, name, type, createdAt: s.now(), members: new Set<string>() } as const;
      s.groups.set(guid, { ...group, members: group.members });
      return groupView(s.groups.get(guid)!);
    });
    this.route('GET', '/groups/:guid', ({ params: [guid] }) => groupView(s.groups.get(guid!) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${guid} does not exist.`)));
    this.route('POST', '/groups/:guid/members', ({ params: [guid], body }) => {
      const group = s.groups.get(guid!) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${guid} does not exist.`);
      const uids = [body.participants, body.admins, body.moderators].flatMap((v) => (Array.isArray(v) ? (v as string[]) : []));
      if (uids.length === 0) fail(400, 'ERR_BAD_REQUEST', 'participants, admins or moderators is required.');
      const result: Record<string, { success: boolean; message: string }> = {};
      for (const uid of uids) {
        if (!s.activeUser(uid)) result[uid] = { success: false, message: `The UID ${uid} does not exist.` };
        else {
          group.members.add(uid);
          result[uid] = { success: true, message: `${uid} joined the group ${guid}.` };
        }
      }
      return { participants: result };
    });
    this.route('GET', '/groups/:guid/members', ({ params: [guid] }) => {
      const group = s.groups.get(guid!) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${guid} does not exist.`);
      return [...group.members].map((uid) => ({ ...userEntity(s.users.get(uid), uid), scope: 'participant', guid: group.guid }));
    });
  }

  /** A user as CometChat shows it inside messages (entities, mentions). */
  entityOf(uid: string): Record<string, unknown> {
    return userEntity(this.state.users.get(uid), uid);
  }

  /** A message typed by an emulated user (the chat prompt, demo): same checks and relay as POST /messages. */
  userSays(sender: string, target: { receiver: string; receiverType: 'user' | 'group' }, text: string): Record<string, unknown> {
    return this.userMessage(sender, { ...target, category: 'message', type: 'text', data: { text } }).message;
  }

  /**
   * Any message from an emulated user (text, custom, media, a thread reply), checked and relayed as
   * CometChat would; says which bots it reached and why others were not reached.
   */
  userMessage(sender: string, body: Record<string, unknown>, parentId?: string): UserMessageResult {
    try {
      if (parentId !== undefined && !this.state.messages.some((m) => m.id === parentId)) fail(404, 'ERR_MESSAGE_NOT_FOUND', `The message ${parentId} does not exist.`);
      const message = this.store(sender.toLowerCase(), body, 'user', parentId);
      return { message: publicMessage(message), ...this.relayMessage(message) };
    } catch (e) {
      if (e instanceof HttpFailure) throw new Error(`${e.code}: ${e.message}`);
      throw e;
    }
  }

  /** CometChat's retry: the same callback (same data.id) delivered again. */
  redeliver(delivery: Delivery): Delivery | undefined {
    const again = this.relay.redeliver(delivery);
    if (again) this.openTurn(again, delivery.messageId);
    return again;
  }

  private relayMessage(message: Message): { deliveries: Delivery[]; skipped: { bot: string; reason: string }[] } {
    const decision = relayDecision(message, this.state);
    const deliveries = this.relay.relay(message, decision);
    for (const d of deliveries) this.openTurn(d, message.id, message.conversationId);
    if (deliveries.length === 0 && decision.skipped.length > 0) this.emit('not-relayed', { message: publicMessage(message), skipped: decision.skipped });
    return { deliveries, skipped: decision.skipped };
  }

  /** A callback now in flight: replies the bot sends in that conversation answer it. */
  private openTurn(delivery: Delivery, messageId: string, conversation?: string): void {
    const convo = conversation ?? this.state.messages.find((m) => m.id === messageId)?.conversationId;
    if (convo) {
      const key = `${delivery.bot}|${convo}`;
      const previous = this.openCallbacks.get(key);
      if (previous !== undefined) this.endTurn(previous);
      this.openCallbacks.set(key, delivery.id);
    }
    if (this.listenerCount('turn') === 0) return; // nobody reports turns: no timers
    const turn: TurnEvent = { callbackId: delivery.id, messageId, to: delivery.bot, status: null, ackMs: null, replies: [] };
    const timer = setTimeout(() => this.endTurn(delivery.id), TURN_WINDOW_MS);
    timer.unref();
    this.turns.set(delivery.id, { turn, started: performance.now(), timer });
    void this.relay.nextAttempt(delivery).then((attempt) => {
      turn.status = attempt.status ?? null;
      turn.ackMs = attempt.ms;
      if (attempt.error) turn.error = attempt.error;
    });
  }

  private endTurn(callbackId: number): void {
    const open = this.turns.get(callbackId);
    if (!open) return;
    clearTimeout(open.timer);
    this.turns.delete(callbackId);
    this.emit('turn', open.turn);
  }

  /** Validates and stores a message like CometChat, then relays a user's message to bots. */
  private send(sender: string, body: Record<string, unknown>, via: 'bot' | 'user', parentId?: string, note?: CallNote): Record<string, unknown> {
    // Linked before validation, so a refused reply still names the callback it answered.
    const receiverType = body.receiverType === 'group' ? 'group' : 'user';
    const callbackId = via === 'bot' && typeof body.receiver === 'string' ? this.openCallbacks.get(`${sender}|${conversationId(sender, body.receiver.toLowerCase(), receiverType)}`) : undefined;
    if (note && callbackId !== undefined) note.callbackId = callbackId;
    const message = this.store(sender, body, via, parentId);
    const shown = publicMessage(message);
    if (note) note.messageId = message.id;
    if (via === 'bot') {
      if (note && message.receiverType === 'user' && message.receiver === sender) note.warning = `the bot ${sender} sent a message to itself (reply to data.sender, not data.receiver, in a one-to-one chat)`;
      const open = callbackId !== undefined ? this.turns.get(callbackId) : undefined;
      if (open) open.turn.replies.push({ id: message.id, ms: Math.round(performance.now() - open.started) });
      this.emit('bot-message', { message: shown, ...(callbackId !== undefined ? { callbackId } : {}) });
    } else {
      this.relayMessage(message);
    }
    return shown;
  }

  private store(sender: string, body: Record<string, unknown>, via: 'bot' | 'user', parentId?: string): Message {
    const s = this.state;
    if (!s.activeUser(sender)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${sender} does not exist.`);
    const receiver = typeof body.receiver === 'string' && body.receiver ? body.receiver.toLowerCase() : fail(400, 'ERR_EMPTY_RECEIVER', 'The receiver is empty.');
    const receiverType: 'user' | 'group' =
      body.receiverType === 'user' || body.receiverType === 'group' ? body.receiverType : fail(400, 'ERR_INVALID_RECEIVER_TYPE', 'The receiverType must be user or group.');
    const category = typeof body.category === 'string' ? body.category : 'message';
    if (category !== 'message' && category !== 'custom') fail(400, 'ERR_INVALID_MESSAGE_CATEGORY', 'The category must be message or custom.');
    const type = typeof body.type === 'string' && body.type ? body.type : category === 'message' ? 'text' : fail(400, 'ERR_EMPTY_MESSAGE_TYPE', 'The type is empty.');
    if (category === 'message' && !['text', 'image', 'file', 'audio', 'video'].includes(type)) fail(400, 'ERR_INVALID_MESSAGE_TYPE', `The type ${type} is not valid for category message.`);
    const data = isObject(body.data) ? { ...body.data } : fail(400, 'ERR_INVALID_MESSAGE_DATA', 'The data must be an object.');
    if (data.metadata !== undefined && !isObject(data.metadata)) fail(400, 'ERR_INVALID_METADATA', 'The metadata must be an object.');
    if (category === 'message' && type === 'text' && (typeof data.text !== 'string' || !data.text.trim())) fail(400, 'ERR_EMPTY_MESSAGE_TEXT', 'The message text is empty.');
    if (category === 'custom' && !isObject(data.customData)) fail(400, 'ERR_EMPTY_CUSTOM_DATA', 'The customData is empty.');
    let receiverEntity: Record<string, unknown>;
    if (receiverType === 'user') {
      const user = s.activeUser(receiver) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${receiver} does not exist.`);
      receiverEntity = { ...userEntity(user, receiver), conversationId: conversationId(sender, receiver, 'user') };
    } else {
      const group = s.groups.get(receiver) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${receiver} does not exist.`);
      if (!group.members.has(sender)) fail(403, 'ERR_NOT_A_MEMBER', `The user ${sender} is not a member of the group ${receiver}.`);
      receiverEntity = { ...groupView(group), conversationId: conversationId(sender, receiver, 'group') };
    }
    const at = s.now();
    const message: Message = {
      id: s.messageId(),
      ...(typeof body.muid === 'string' ? { muid: body.muid } : {}),
      conversationId: conversationId(sender, receiver, receiverType),
      sender,
      receiver,
      receiverType,
      category,
      type,
      data: { ...data, entities: { sender: { entity: userEntity(s.users.get(sender), sender), entityType: 'user' }, receiver: { entity: receiverEntity, entityType: receiverType } } },
      ...(parentId ? { parentId } : {}),
      sentAt: at,
      updatedAt: at,
      via,
    };
    s.messages.push(message);
    this.emit('message', publicMessage(message));
    return message;
  }
}

function botView(bot: Bot): Record<string, unknown> {
  // CometChat omits false and empty properties, and does return the password.
  return Object.fromEntries(Object.entries(bot).filter(([, v]) => v !== false && v !== undefined && v !== ''));
}

function groupView(group: { guid: string; name: string; type: string; createdAt: number; members: Set<string> }): Record<string, unknown> {
  return { guid: group.guid, name: group.name, type: group.type, membersCount: group.members.size, createdAt: group.createdAt };
}

function applyBotFields(bot: Bot, body: Record<string, unknown>, creating: boolean): void {
  for (const field of BOT_FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    if (field === 'webhookURL') {
      if (typeof v !== 'string' || v.length > 255 || !/^https?:\/\//.test(v)) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { webhookURL: ['The webhook URL must be a valid URL of at most 255 characters.'] });
      bot.webhookURL = v as string;
    } else if (field === 'groupChatSetting') {
      if (typeof v !== 'string' || !GROUP_SETTINGS.has(v)) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { groupChatSetting: ['Invalid group chat setting.'] });
      bot.groupChatSetting = v as Bot['groupChatSetting'];
    } else if (field === 'enabled' || field === 'useBasicAuth') {
      if (typeof v !== 'boolean') fail(400, 'ERR_BAD_REQUEST', `${field} must be a boolean.`);
      bot[field] = v as boolean;
    } else {
      if (typeof v !== 'string' || v.length > 50) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { [field]: [`The ${field} may not be greater than 50 characters.`] });
      // On create, credentials are kept only with useBasicAuth (as the docs say); on update, as sent.
      if (!creating || body.useBasicAuth === true) bot[field] = v as string;
    }
  }
}

function onBehalfOf(headers: IncomingMessage['headers']): string {
  const v = headers.onbehalfof;
  return typeof v === 'string' && v ? v.toLowerCase() : fail(400, 'ERR_ON_BEHALF_OF_MISSING', 'The onBehalfOf header is required for this route.');
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  return typeof v === 'string' && v.trim() ? v.trim() : fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { [field]: [`The ${field} field is required.`] });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkFault(raw: unknown): Fault {
  const f = (isObject(raw) ? raw : {}) as Record<string, unknown>;
  const status = f.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) fail(400, 'ERR_BAD_REQUEST', 'fault.status must be a whole number from 400 to 599.');
  if (typeof f.code !== 'string' || !f.code) fail(400, 'ERR_BAD_REQUEST', 'fault.code must be a CometChat error code, e.g. ERR_TOO_MANY_REQUESTS.');
  const times = f.times === undefined ? 1 : f.times;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) fail(400, 'ERR_BAD_REQUEST', 'fault.times must be a whole number of at least 1.');
  if (f.retryAfter !== undefined && (typeof f.retryAfter !== 'number' || f.retryAfter < 0)) fail(400, 'ERR_BAD_REQUEST', 'fault.retryAfter must be a number of seconds.');
  if (f.match !== undefined && typeof f.match !== 'string') fail(400, 'ERR_BAD_REQUEST', 'fault.match must be a string.');
  return { status: status as number, code: f.code as string, times: times as number, ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter as number } : {}), ...(typeof f.match === 'string' ? { match: f.match } : {}) };
}

/** {appId}.api-{region}.cometchat.io or api-{region}.cometchat.io, in any case. */
export function parseCometChatHost(host: string): { appId?: string; region: string } | undefined {
  const m = /^(?:([a-z0-9-]+)\.)?api-([a-z]+)\.cometchat\.io\.?$/i.exec(host.trim().replace(/:\d+$/, ''));
  return m ? { ...(m[1] ? { appId: m[1] } : {}), region: m[2]!.toLowerCase() } : undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.trim() ? v.trim() : undefined;
}

function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = name === 'apikey' || name === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function redactBody(body: Record<string, unknown>): Record<string, unknown> {
  return 'password' in body ? { ...body, password: '[redacted]' } : body;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) fail(413, 'ERR_PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return fail(400, 'ERR_BAD_REQUEST', 'The request body is not valid JSON.');
  }
  return isObject(parsed) ? parsed : fail(400, 'ERR_BAD_REQUEST', 'The request body must be a JSON object.');
}

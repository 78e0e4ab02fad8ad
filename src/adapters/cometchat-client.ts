// The one got instance that talks to CometChat. Its failures become typed errors here and nowhere else.
import type { Got, Method, RequestError } from 'got';
import { ApiError, NetworkError } from '../errors.js';
import { retryDelay, type Outcome } from '../core/retry-policy.js';
import { hintFor } from '../core/api-hints.js';

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  version: string;
  timeoutMs?: number;
  /** Proxy URL for this base URL (see core/proxy.ts), or none. */
  proxy?: string;
  /** Injected so tests of the retry rules do not wait in real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Told before each retry: the spinner or a debug line shows it. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface CallOptions {
  headers?: Record<string, string>;
}

export type Json = Record<string, unknown>;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** got is loaded here, on first use, so it never costs start-up time. */
export async function createCometChatClient(options: ClientOptions): Promise<CometChatClient> {
  const mod = await import('got');
  const agent = options.proxy ? await proxyAgents(options.proxy) : undefined;
  return new CometChatClient(options, mod.default, mod.RequestError, agent);
}

async function proxyAgents(proxy: string) {
  const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
  const common = { proxy, keepAlive: true };
  return { http: new HttpProxyAgent(common), https: new HttpsProxyAgent(common) };
}

export class CometChatClient {
  private readonly http: Got;
  private readonly options: ClientOptions;
  readonly host: string;

  constructor(
    options: ClientOptions,
    got: typeof import('got').default,
    private readonly RequestErrorClass: typeof RequestError,
    agent?: { http: import('node:http').Agent; https: import('node:https').Agent },
  ) {
    this.options = options;
    const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.host = base.host;
    this.http = got.extend({
      prefixUrl: base.href,
      headers: { apikey: options.apiKey, 'user-agent': `cometbot/${options.version}`, accept: 'application/json' },
      timeout: { request: options.timeoutMs ?? 15_000 },
      retry: { limit: 0 }, // our own loop below: it honours Retry-After with a cap and retries POST safely (muid)
      throwHttpErrors: false,
      responseType: 'text',
      ...(agent ? { agent } : {}),
    });
  }

  async call<T = Json>(method: Method, path: string, body?: unknown, call: CallOptions = {}): Promise<T> {
    const sleep = this.options.sleep ?? realSleep;
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      let failure: Error;
      try {
        const res = await this.http(path.replace(/^\/+/, ''), { method, json: body, headers: call.headers });
        const parsed = parseBody(res.body);
        if (res.statusCode >= 200 && res.statusCode < 300) {
          return (parsed && typeof parsed === 'object' && 'data' in parsed ? (parsed as { data: unknown }).data : parsed) as T;
        }
        failure = this.apiError(res.statusCode, parsed);
        outcome = { kind: 'status', status: res.statusCode, retryAfter: headerValue(res.headers['retry-after']) };
      } catch (e) {
        if (!(e instanceof this.RequestErrorClass)) throw e;
        failure = this.networkError(e);
        outcome = { kind: 'network', code: e.code };
      }
      const delay = retryDelay(outcome, attempt);
      if (delay === null) throw failure;
      this.options.onRetry?.({ attempt, delayMs: delay, reason: outcome.kind === 'status' ? `HTTP ${outcome.status}` : outcome.code });
      await sleep(delay);
    }
  }

  private apiError(status: number, parsed: unknown): ApiError {
    const envelope = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof envelope?.code === 'string' ? envelope.code : `HTTP_${status}`;
    const message = typeof envelope?.message === 'string' ? envelope.message : `CometChat answered HTTP ${status} from ${this.host}`;
    return new ApiError(code, this.scrub(message), status, hintFor(code));
  }

  private networkError(e: RequestError): NetworkError {
    const host = this.host;
    const hint = 'check your connection, the app id and region, or COMETBOT_API_URL / --api-url';
    switch (e.code) {
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new NetworkError(`cannot resolve ${host} (${e.code})`, hint);
      case 'ECONNREFUSED':
        return new NetworkError(`connection refused by ${host}`, 'is the server running? check COMETBOT_API_URL / --api-url');
      case 'ETIMEDOUT':
        return new NetworkError(`${host} did not answer within ${Math.round((this.options.timeoutMs ?? 15_000) / 1000)} s`, hint);
      default:
        return new NetworkError(`request to ${host} failed (${e.code})`, hint);
    }
  }

  /** The key must never reach a message, even if a server echoes it. */
  private scrub(text: string): string {
    return this.options.apiKey ? text.split(this.options.apiKey).join('[redacted]') : text;
  }

  // Routes cometbot uses (paths relative to the /v3 base).
  getUser = (uid: string) => this.call<Json>('GET', `users/${encodeURIComponent(uid)}`);
  createUser = (user: { uid: string; name: string; avatar?: string }) => this.call<Json>('POST', 'users', user);
  getBot = (uid: string) => this.call<Json>('GET', `bots/${encodeURIComponent(uid)}`);
  createBot = (bot: Json) => this.call<Json>('POST', 'bots', bot);
  updateBot = (uid: string, bot: Json) => this.call<Json>('PUT', `bots/${encodeURIComponent(uid)}`, bot);
  sendBotMessage = (botUid: string, message: Json) => this.call<Json>('POST', `bots/${encodeURIComponent(botUid)}/messages`, message);
  sendThreadMessage = (parentId: string, message: Json, onBehalfOf: string) =>
    this.call<Json>('POST', `messages/${encodeURIComponent(parentId)}/thread`, message, { headers: { onBehalfOf } });
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

// Loaded into a Node bot with NODE_OPTIONS=--require (cometbot test/dev -- node bot.js): sends the bot's
// calls to CometChat's hosts (*.cometchat.io) to the local emulator instead, with no change to the bot.
// Covers https.request / https.get (axios, got, node-fetch, follow-redirects) and global fetch (undici).
// The original host goes along as x-forwarded-host, so the emulator knows the app id and region used.
// Every other host is left alone. Plain CommonJS with no imports of ours: it runs inside the bot.
import http = require('node:http');
import https = require('node:https');
import nodeModule = require('node:module');

const target = process.env.COMETBOT_ROUTE_TO ? new URL(process.env.COMETBOT_ROUTE_TO) : undefined;
const COMETCHAT_HOST = /(^|\.)cometchat\.io$/i;

function isCometChat(host: string | null | undefined): boolean {
  return Boolean(host && COMETCHAT_HOST.test(host.replace(/:\d+$/, '').replace(/\.$/, '')));
}

type RequestArgs = [string | URL | https.RequestOptions, (https.RequestOptions | ((res: http.IncomingMessage) => void))?, ((res: http.IncomingMessage) => void)?];

/** The request, rewritten for the emulator when it is for CometChat; undefined otherwise. */
function reroute(args: RequestArgs): [http.RequestOptions, ((res: http.IncomingMessage) => void) | undefined] | undefined {
  if (!target) return undefined;
  let [first, second, third] = args;
  let options: https.RequestOptions = {};
  let callback = typeof second === 'function' ? second : third;
  if (typeof first === 'string' || first instanceof URL) {
    const url = new URL(String(first).trim());
    if (!isCometChat(url.hostname)) return undefined;
    options = { hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, ...(typeof second === 'object' ? second : {}) };
  } else {
    options = { ...first };
    callback = typeof second === 'function' ? second : callback;
  }
  const host = String(options.hostname ?? options.host ?? '').trim();
  if (!isCometChat(host)) return undefined;
  const headers = { ...(options.headers as Record<string, string> | undefined) };
  const { agent: _agent, protocol: _protocol, host: _host, hostname: _hostname, port: _port, servername: _servername, ...rest } = options as Record<string, unknown>;
  return [
    { ...rest, protocol: 'http:', hostname: target.hostname, port: target.port, headers: { ...headers, 'x-forwarded-host': host.replace(/:\d+$/, '') } } as http.RequestOptions,
    callback,
  ];
}

for (const name of ['request', 'get'] as const) {
  const original = https[name] as (...args: unknown[]) => http.ClientRequest;
  (https as unknown as Record<string, unknown>)[name] = function cometbotRouted(...args: unknown[]) {
    const routed = reroute(args as RequestArgs);
    if (!routed) return original.apply(this, args);
    const [options, callback] = routed;
    return name === 'get' ? http.get(options, callback) : http.request(options, callback);
  };
}
nodeModule.syncBuiltinESMExports();

const originalFetch = globalThis.fetch;
if (originalFetch && target) {
  globalThis.fetch = async function cometbotFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const raw = input instanceof Request ? input.url : String(input).trim();
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return originalFetch(input, init);
    }
    if (!isCometChat(url.hostname)) return originalFetch(input, init);
    const routed = new URL(`${url.pathname}${url.search}`, target);
    const request = new Request(input instanceof Request ? input : raw, init);
    const headers = new Headers(request.headers);
    headers.set('x-forwarded-host', url.hostname);
    const body = request.body ? await request.arrayBuffer() : undefined;
    return originalFetch(routed, { method: request.method, headers, body, redirect: request.redirect, signal: request.signal });
  };
}

// undici's own API (`request`, `Client`, `fetch` from the package) goes through its global dispatcher,
// which the package and Node's fetch share (a global symbol). When the bot has undici installed, that
// dispatcher becomes its EnvHttpProxyAgent: CometChat's hosts reach the emulator through the routing
// proxy (whose CA the bot trusts through NODE_EXTRA_CA_CERTS), loopback stays direct (NO_PROXY).
function routeUndici(): void {
  if (!target || !process.env.HTTPS_PROXY) return;
  let path: string;
  try {
    path = require.resolve('undici', { paths: [process.cwd()] });
  } catch {
    return; // the bot does not use the undici package
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require(path) as { EnvHttpProxyAgent?: new () => unknown; setGlobalDispatcher?: (d: unknown) => void };
    if (undici.EnvHttpProxyAgent && undici.setGlobalDispatcher) undici.setGlobalDispatcher(withoutExperimentalWarning(() => new undici.EnvHttpProxyAgent!()));
  } catch {
    // an undici too old for EnvHttpProxyAgent (< 6.11): its direct calls are not routed
  }
}
/** The agent is ours, not the bot's: its "experimental" warning would only be noise in the bot's output. */
function withoutExperimentalWarning<T>(make: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (code === 'UNDICI-EHPA') return;
    return (emitWarning as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = emitWarning;
  }
}

routeUndici();

// `cometbot listen`'s flags turned into options, each default in one place (port 3978, 127.0.0.1, /,
// the inspector on 3979), --respond/--delay, and the one builder of a ListenSession's options.
import { UsageError } from '../errors.js';
import { parseDuration } from '../core/duration.js';
import { parsePort, validateUrl } from '../core/validate.js';
import { randomAlphanumeric } from '../core/credentials.js';
import { isLoopback } from '../core/loopback.js';
import type { Credentials } from '../core/basic-auth.js';
import type { CometChatClient } from '../adapters/cometchat-client.js';
import type { TunnelOpener } from '../deps.js';
import type { ListenSessionOptions } from './session.js';

/** The flags these options come from (strings as typed). */
export interface ListenOptionFlags {
  path?: string;
  port?: string;
  host?: string;
  forwardTo?: string;
  inspectPort?: string;
}

/** listen's options, parsed once: every default in one place. */
export interface ListenOptions {
  port: number;
  host: string;
  path: string;
  forwardTo?: URL;
  inspectPort: number;
}

/** `503`, `503x2`: the status and how many deliveries of each callback get it. */
export function parseRespond(respond: string | undefined, delay: string | undefined): { status: number; times: number; delayMs: number } | undefined {
  if (respond === undefined && delay === undefined) return undefined;
  let status = 200;
  let times = 1;
  if (respond !== undefined) {
    const m = /^\s*(\d{3})(?:\s*x\s*(\d+))?\s*$/i.exec(respond);
    if (!m || Number(m[1]) < 200 || Number(m[1]) > 599 || (m[2] !== undefined && Number(m[2]) < 1)) {
      throw new UsageError(`invalid --respond "${respond}"`, 'write a status, optionally times how many deliveries: --respond 503, --respond 503x2');
    }
    status = Number(m[1]);
    times = m[2] === undefined ? 1 : Number(m[2]);
  }
  const delayMs = delay === undefined ? 0 : parseDuration(delay);
  if (delayMs === undefined) throw new UsageError(`invalid --delay "${delay}"`, 'write a duration: --delay 3s, --delay 2500ms');
  return { status, times, delayMs };
}

export function parseListenOptions(flags: ListenOptionFlags): ListenOptions {
  const path = flags.path ?? '/';
  if (!path.startsWith('/')) throw new UsageError(`invalid --path "${path}": it must start with /`, 'e.g. --path /cometchat');
  return {
    port: parsePort(flags.port ?? '3978'),
    host: flags.host ?? '127.0.0.1',
    path,
    forwardTo: flags.forwardTo ? validateUrl(flags.forwardTo, '--forward-to') : undefined,
    inspectPort: parsePort(flags.inspectPort ?? '3979', '--inspect-port'),
  };
}


/** What a ListenSession is built from, wherever it runs (listen, demo, dev --tunnel). */
export interface ListenSessionInputs {
  options: Pick<ListenOptions, 'host' | 'port' | 'path' | 'forwardTo'> & { inspectPort?: number };
  /** The callback's Basic Auth; null with --no-auth. */
  credentials: Credentials | null;
  capturesDir: string;
  captureFile?: string;
  now: () => Date;
  randomBytes: (n: number) => Uint8Array;
  echo?: boolean;
  client?: () => Promise<CometChatClient>;
  botUid?: string;
  /** The REST base URL: an API on this machine (cometbot emulate) can call the local URL, its webhook then. */
  apiUrl?: string;
  tunnel?: { opener: () => Promise<TunnelOpener>; authtoken: string; domain?: string };
  register: boolean;
  cleanup: boolean;
  respond?: { status: number; times: number; delayMs: number };
}

/** The one builder of a ListenSession's options: the run tag, the tunnel's nonces, whether the API is local. */
export function listenSessionOptions(i: ListenSessionInputs): ListenSessionOptions {
  return {
    host: i.options.host,
    port: i.options.port,
    path: i.options.path,
    credentials: i.credentials,
    ...(i.captureFile !== undefined ? { captureFile: i.captureFile } : {}),
    capturesDir: i.capturesDir,
    runTag: randomAlphanumeric(6, i.randomBytes).toLowerCase(),
    now: i.now,
    ...(i.options.forwardTo ? { forwardTo: i.options.forwardTo } : {}),
    ...(i.echo ? { echo: true } : {}),
    ...(i.client ? { client: i.client } : {}),
    ...(i.botUid !== undefined ? { botUid: i.botUid } : {}),
    ...(i.options.inspectPort !== undefined ? { inspectPort: i.options.inspectPort } : {}),
    tunnel: i.tunnel ? { ...i.tunnel, nonce: () => randomAlphanumeric(16, i.randomBytes) } : undefined,
    register: i.register,
    cleanup: i.cleanup,
    apiIsLocal: i.apiUrl ? isLoopback(new URL(i.apiUrl).hostname) : false,
    ...(i.respond ? { respond: i.respond } : {}),
  };
}

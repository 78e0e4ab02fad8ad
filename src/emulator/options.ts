// `cometbot emulate`'s flags turned into options once, each default in one place.
import { parseDelays } from '../core/duration.js';
import { DEFAULT_EMULATOR_KEY, DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import { parsePort, validateAppId, validateRegion } from '../core/validate.js';

export interface EmulateFlags {
  port?: string;
  host?: string;
  appId?: string;
  apiKey?: string;
  region?: string;
  as?: string;
  seed: boolean;
  retryDelays?: string;
  operations?: boolean;
}

export interface EmulateOptions {
  port: number;
  host: string;
  appId: string;
  region: string;
  apiKey: string;
  /** The key is the well-known default (a warning when others can reach the emulator). */
  defaultKey: boolean;
  /** Who the developer is at the chat prompt. */
  as: string;
  seed: boolean;
  /** Waits before callback retries; undefined: CometChat's 10 s, 30 s. */
  retryDelaysMs?: number[];
  /** Print the operations served and exit. */
  operations: boolean;
}

export function parseEmulateOptions(flags: EmulateFlags): EmulateOptions {
  const apiKey = flags.apiKey ?? DEFAULT_EMULATOR_KEY;
  const retryDelaysMs = parseDelays(flags.retryDelays, '--retry-delays');
  return {
    port: parsePort(flags.port ?? String(DEFAULT_EMULATOR_PORT)),
    host: flags.host ?? '127.0.0.1',
    appId: validateAppId(flags.appId ?? 'emulator'),
    region: validateRegion(flags.region ?? 'us'),
    apiKey,
    defaultKey: apiKey === DEFAULT_EMULATOR_KEY,
    as: flags.as ?? 'alice',
    seed: flags.seed !== false,
    ...(retryDelaysMs ? { retryDelaysMs } : {}),
    operations: flags.operations === true,
  };
}

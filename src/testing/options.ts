// `cometbot test`'s flags, checked and parsed once, before anything starts (each default in one place).
import { UsageError } from '../errors.js';
import { parseDurationFlag } from '../core/duration.js';
import { parsePort, validateUrl } from '../core/validate.js';
import { DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import { parseReporters, type ReporterTarget } from './reporters/index.js';
import { parseShard } from './selection.js';
import { checkLiveFlags } from './live/live-options.js';

export const DEFAULT_START_TIMEOUT_MS = 15_000;

/** The flags as commander hands them over (strings as typed). */
export interface TestFlags {
  botUrl?: string;
  apiPort?: string;
  reporter?: string[];
  grep?: string;
  shard?: string;
  list?: boolean;
  failFast?: boolean;
  within?: string;
  ackWithin?: string;
  verbose?: boolean;
  botPath?: string;
  startTimeout?: string;
  appId?: string;
  region?: string;
  apiKey?: string;
  live?: boolean;
  livePrefix?: string;
  keep?: boolean;
}


export interface TestOptions {
  reporters: ReporterTarget[];
  /** Run-wide defaults in place of the built-in ones (what a file, case or step sets still wins). */
  within?: number;
  ackWithin?: number;
  startTimeoutMs: number;
  shard?: { index: number; count: number };
  /** cometbot starts the bot (`-- COMMAND`). */
  startsBot: boolean;
  /** The bot's webhook URL (unused with --live and --list). */
  botUrl: URL;
  /** The emulator's port (0: any free one). */
  apiPort: number;
  live: boolean;
}

export async function parseTestOptions(flags: TestFlags, command: readonly string[], json: boolean): Promise<TestOptions> {
  const reporters = parseReporters(flags.reporter?.length ? flags.reporter : json ? ['json'] : []);
  const within = parseDurationFlag(flags.within, '--within');
  const ackWithin = parseDurationFlag(flags.ackWithin, '--ack-within');
  const startTimeoutMs = parseDurationFlag(flags.startTimeout, '--start-timeout') ?? DEFAULT_START_TIMEOUT_MS;
  const startsBot = command.length > 0;
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  checkLiveFlags(flags, startsBot);
  const live = flags.live === true;
  if (!flags.botUrl && !startsBot && !flags.list && !live) throw new UsageError('no bot to test', 'pass the webhook URL of your running bot (--bot-url http://localhost:3000/), or let cometbot start it: cometbot test -- node bot.js (or --live for the bot deployed on your app)');
  if (flags.botPath !== undefined && !startsBot) throw new UsageError('--bot-path is for a bot cometbot starts (-- COMMAND)', 'with --bot-url, put the path in the URL');
  const botPort = startsBot && !flags.botUrl ? await (await import('../adapters/free-port.js')).freePort() : undefined;
  const botUrl = flags.botUrl ? validateUrl(flags.botUrl, '--bot-url') : new URL(`http://127.0.0.1:${botPort ?? 9}${normalisePath(flags.botPath)}`); // 9: no bot is called (--list, --live)
  if (startsBot && !['127.0.0.1', 'localhost', '[::1]'].includes(botUrl.hostname)) throw new UsageError(`--bot-url ${botUrl.href} is not on this machine`, 'a bot cometbot starts listens on 127.0.0.1: --bot-url http://127.0.0.1:3000/');
  const apiPort = parsePort(flags.apiPort ?? (startsBot ? '0' : String(DEFAULT_EMULATOR_PORT)), '--api-port');
  return { reporters, within, ackWithin, startTimeoutMs, shard, startsBot, botUrl, apiPort, live };
}

function normalisePath(path: string | undefined): string {
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

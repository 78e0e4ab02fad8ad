// The development loop's bot: started, watched, restarted when a watched file changes (debounced; the old
// process group is ended before the new one starts), stopped with everything else. One lifecycle
// object with typed events; `cometbot dev` renders them.
import { EventEmitter } from 'node:events';
import { relative } from 'node:path';
import { BotProcess, type BotProcessOptions } from './bot-process.js';

/** Calls `onChange(path)` for each change under the paths (`onProblem` for a folder it cannot watch); returns a function that stops watching. */
export type Watch = (paths: string[], onChange: (path: string) => void, ignored: (path: string) => boolean, onProblem?: (message: string) => void) => Promise<() => Promise<void>>;

export interface DevLoopOptions {
  bot: Omit<BotProcessOptions, 'keepLines'>;
  port: number;
  startTimeoutMs: number;
  watchPaths: string[];
  /** Folders never watched (captures, build output the bot writes). */
  ignore: (path: string) => boolean;
  debounceMs?: number;
  watch?: Watch;
  cwd: string;
  /** More extensions that count as code (--watch-ext), without the dot. */
  extraExtensions?: string[];
}

export interface DevLoopEvents {
  started: [{ pid: number | undefined; restart: number }];
  restarting: [{ path: string }];
  /** The bot exited on its own (a crash, a syntax error): the next change starts it again. */
  crashed: [{ code: number | null; signal: NodeJS.Signals | null; tail: string[] }];
  'start-failed': [{ message: string; tail: string[] }];
  output: [{ line: string; stream: 'stdout' | 'stderr' }];
  /** A folder that cannot be watched (a symlink loop, no permission): skipped, said once. */
  'watch-problem': [{ message: string }];
}

export class DevLoop extends EventEmitter<DevLoopEvents> {
  private bot?: BotProcess;
  private stopWatching?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private restarts = 0;
  private queue: Promise<void> = Promise.resolve();
  private closing?: Promise<void>;

  constructor(private readonly opts: DevLoopOptions) {
    super();
  }

  /** Starts the bot and the watcher; resolves once the bot listens (or failed to, which is reported). */
  async start(): Promise<void> {
    const watch = this.opts.watch ?? chokidarWatch;
    const said = new Set<string>();
    const problem = (message: string) => {
      if (said.has(message)) return;
      said.add(message);
      this.emit('watch-problem', { message });
    };
    this.stopWatching = await watch(this.opts.watchPaths, (path) => this.changed(path), this.opts.ignore, problem);
    await this.launch();
  }

  private changed(path: string): void {
    if (this.closing || !isSource(path, this.opts.extraExtensions)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.emit('restarting', { path: relative(this.opts.cwd, path) || path });
      this.queue = this.queue.then(() => this.restart());
    }, this.opts.debounceMs ?? 150);
  }

  /** Ends the running bot's group first, then starts the new one on the same port. */
  async restart(): Promise<void> {
    if (this.closing) return;
    const old = this.bot;
    this.bot = undefined;
    await old?.stop();
    this.restarts += 1;
    await this.launch();
  }

  private async launch(): Promise<void> {
    if (this.closing) return;
    const bot = new BotProcess(this.opts.bot);
    this.bot = bot;
    bot.on('output', (o) => this.emit('output', o));
    let listening = false;
    // A bot that dies before it listens is one start failure, not also a crash: one warning.
    bot.on('exit', (e) => {
      if (this.bot === bot && !this.closing && listening) this.emit('crashed', { ...e, tail: bot.tail() });
    });
    try {
      await bot.start();
      await bot.waitForPort(this.opts.port, this.opts.startTimeoutMs);
      listening = true;
      this.emit('started', { pid: bot.pid, restart: this.restarts });
    } catch (e) {
      this.emit('start-failed', { message: (e as Error).message, tail: bot.tail() });
    }
  }

  /** A second Ctrl-C: kill the bot's group now. */
  killNow(): void {
    this.bot?.killNow();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      await this.stopWatching?.();
      await this.queue;
      await this.bot?.stop();
    })();
    return this.closing;
  }
}

/**
 * Code restarts the bot; data it may write next to it (state.json, logs, databases, uploads) and
 * conversation files (/save) do not, or a bot that writes a file at start would restart forever.
 * `.env` files count: they configure the bot. More extensions with --watch-ext.
 */
const CODE = /\.(c|m)?(j|t)sx?$|\.(py|rb|go|php|java|kts?|rs|cs|ex|exs|scala|clj|swift|lua|pl|sh)$|(^|[\\/])\.env(\.[^\\/]*)?$/i;

export function isSource(path: string, extraExtensions: string[] = []): boolean {
  if (/\.convo\.(ya?ml|json)$/i.test(path)) return false;
  if (CODE.test(path)) return true;
  const ext = /\.([^.\\/]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext !== undefined && extraExtensions.some((e) => e.replace(/^\./, '').toLowerCase() === ext);
}

/** The default watcher: chokidar, which handles editors' save-by-rename and recursive folders everywhere. */
const chokidarWatch: Watch = async (paths, onChange, ignored, onProblem) => {
  const { watch } = await import('chokidar');
  // Symlinks are not followed: a link back up the tree would be a loop.
  const watcher = watch(paths, { ignoreInitial: true, ignored, awaitWriteFinish: false, followSymlinks: false });
  watcher.on('all', (_event, path) => onChange(path));
  watcher.on('error', (e) => {
    const err = e as NodeJS.ErrnoException;
    onProblem?.(`cannot watch ${err.path ?? 'a folder'} (${err.code ?? err.message}): skipped`);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return () => watcher.close();
};

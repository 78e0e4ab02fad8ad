// The development loop's bot: started, watched, restarted when a watched file changes (debounced; the old
// process group is ended before the new one starts), stopped with everything else. One lifecycle
// object with typed events; `cometbot dev` renders them.
import { EventEmitter } from 'node:events';
import { relative } from 'node:path';
import { BotProcess, type BotProcessOptions } from './bot-process.js';

/** Calls `onChange(path)` for each change under the paths; returns a function that stops watching. */
export type Watch = (paths: string[], onChange: (path: string) => void, ignored: (path: string) => boolean) => Promise<() => Promise<void>>;

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
}

export interface DevLoopEvents {
  started: [{ pid: number | undefined; restart: number }];
  restarting: [{ path: string }];
  /** The bot exited on its own (a crash, a syntax error): the next change starts it again. */
  crashed: [{ code: number | null; signal: NodeJS.Signals | null; tail: string[] }];
  'start-failed': [{ message: string; tail: string[] }];
  output: [{ line: string; stream: 'stdout' | 'stderr' }];
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
    this.stopWatching = await watch(this.opts.watchPaths, (path) => this.changed(path), this.opts.ignore);
    await this.launch();
  }

  private changed(path: string): void {
    if (this.closing || !isSource(path)) return;
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
    bot.on('exit', (e) => {
      if (this.bot === bot && !this.closing) this.emit('crashed', { ...e, tail: bot.tail() });
    });
    try {
      await bot.start();
      await bot.waitForPort(this.opts.port, this.opts.startTimeoutMs);
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
 * Source files restart the bot; anything else it may write next to them (logs, databases, uploads)
 * does not, or a bot that logs to a file would restart forever.
 */
const SOURCE = /\.(c|m)?(j|t)sx?$|\.(json|py|rb|go|php|java|kts?|rs|cs|ex|exs|ya?ml|toml|ini|env|properties|html|hbs|ejs)$|(^|[\\/])\.env(\.[^\\/]*)?$/i;

export function isSource(path: string): boolean {
  return SOURCE.test(path);
}

/** The default watcher: chokidar, which handles editors' save-by-rename and recursive folders everywhere. */
const chokidarWatch: Watch = async (paths, onChange, ignored) => {
  const { watch } = await import('chokidar');
  const watcher = watch(paths, { ignoreInitial: true, ignored, awaitWriteFinish: false });
  watcher.on('all', (_event, path) => onChange(path));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return () => watcher.close();
};

// The developer's bot as a child process: started with no shell in its own process group, its output
// kept (the last lines, for failure reports), its port awaited, and the whole group ended on stop() —
// SIGTERM, then SIGKILL after a grace period — so nothing it started is left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { Keeper } from './keeper.js';

export interface BotProcessOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  killAfterMs?: number;
  /** Output lines kept for reports. */
  keepLines?: number;
  /** Folders the keeper removes with the bot if cometbot dies without cleaning up (the run's folder). */
  keeperDirs?: string[];
}

export interface BotProcessEvents {
  output: [{ stream: 'stdout' | 'stderr'; line: string }];
  exit: [{ code: number | null; signal: NodeJS.Signals | null }];
}

export class BotProcessError extends Error {
  constructor(
    message: string,
    readonly output: string[],
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class BotProcess extends EventEmitter<BotProcessEvents> {
  private child?: ChildProcess;
  private readonly lines: string[] = [];
  private keeper?: Keeper;
  private seen = 0;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stopping?: Promise<void>;
  /** Both output pipes ended (never, if a process the bot started keeps them open: settle() caps it). */
  private drained: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: BotProcessOptions) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** The last lines the bot printed (stdout and stderr interleaved as they came), only those after `since` (a mark()). */
  tail(n = 20, since = 0): string[] {
    const after = Math.max(0, this.lines.length - (this.seen - since));
    return this.lines.slice(Math.max(after, this.lines.length - n));
  }

  /**
   * Resolves once the bot's last words about a failure are in: an exited bot's pipes drained (its
   * final lines can still be in them when the exit is seen), a running one quiet for `quietMs` (it
   * prints a moment after the response that failed the case; a loaded machine stretches that moment),
   * at most `maxMs` either way.
   */
  settle(quietMs = 200, maxMs = 1_500): Promise<void> {
    return new Promise((resolve) => {
      let quiet: NodeJS.Timeout | undefined;
      const again = () => {
        clearTimeout(quiet);
        quiet = setTimeout(done, quietMs);
      };
      const done = () => {
        clearTimeout(quiet);
        clearTimeout(cap);
        this.off('output', again);
        resolve();
      };
      const cap = setTimeout(done, maxMs);
      if (this.running) {
        again();
        this.on('output', again);
      } else {
        void this.drained.then(done);
      }
    });
  }

  /** How many lines the bot has printed so far: tail(n, mark) shows only what came after. */
  mark(): number {
    return this.seen;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.command, this.opts.args, { env: this.opts.env as NodeJS.ProcessEnv, cwd: this.opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
      void this.exited.then((e) => this.emit('exit', e));
      const ends: Promise<void>[] = [];
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = new LineSplitter((line) => this.keep(stream, line));
        child[stream]!.setEncoding('utf8');
        child[stream]!.on('data', (chunk: string) => lines.push(chunk));
        ends.push(new Promise((ended) => child[stream]!.on('end', () => (lines.end(), ended()))));
      }
      this.drained = Promise.all(ends);
      child.once('spawn', () => {
        // Should cometbot die without stopping the bot (SIGKILL, out of memory), the keeper does it.
        if (child.pid) this.keeper = Keeper.start(child.pid, this.opts.keeperDirs ?? []);
        resolve();
      });
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(new BotProcessError(e.code === 'ENOENT' ? `cannot start "${this.opts.command}": command not found` : `cannot start "${this.opts.command}" (${e.code ?? e.message})`, [])),
      );
    });
  }

  private keep(stream: 'stdout' | 'stderr', line: string): void {
    this.seen += 1;
    this.lines.push(line);
    if (this.lines.length > (this.opts.keepLines ?? 500)) this.lines.shift();
    this.emit('output', { stream, line });
  }

  /**
   * Resolves with the loopback address (127.0.0.1 or ::1) on which `port` accepts connections; rejects
   * if the bot exits first, says it listens on another port (a port of its own, not $PORT), or time runs out.
   */
  async waitForPort(port: number, timeoutMs: number): Promise<'127.0.0.1' | '::1'> {
    const deadline = Date.now() + timeoutMs;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void this.exited?.then((e) => (exitInfo = e));
    // A bot on a fixed port usually says so ("listening on port 3000"): heard, it is checked at once.
    let announced: number | undefined;
    const listen = ({ line }: { line: string }) => {
      const m = /\b(?:listen\w*|running|started|serving|server)\b.*?(?:port\s*|:)(\d{2,5})\b/i.exec(line);
      if (m && Number(m[1]) !== port) announced = Number(m[1]);
    };
    this.on('output', listen);
    try {
      // A port has no "now listening" event outside the process: try to connect, briefly, until it answers.
      for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
        // The exit first: another process answering on the port (the bot died of EADDRINUSE) is not the bot.
        const exited = () => exitInfo ?? (this.running ? undefined : { code: this.child?.exitCode ?? null, signal: this.child?.signalCode ?? null });
        const gone = exited();
        if (gone) throw new BotProcessError(`the bot exited (${gone.signal ?? `code ${gone.code}`}) before it listened on port ${port}`, this.tail());
        const host = (await canConnect('127.0.0.1', port)) ? '127.0.0.1' : (await canConnect('::1', port)) ? '::1' : undefined;
        const goneNow = exited();
        if (goneNow) throw new BotProcessError(`the bot exited (${goneNow.signal ?? `code ${goneNow.code}`}) before it listened on port ${port}${host ? ` (another process answers on ${port})` : ''}`, this.tail());
        if (host) return host;
        if (announced !== undefined && ((await canConnect('127.0.0.1', announced)) || (await canConnect('::1', announced)))) {
          throw new BotProcessError(`the bot listens on port ${announced}, not on $PORT (${port})`, this.tail(), `make it read PORT from the environment, or tell cometbot its port: --bot-url http://127.0.0.1:${announced}/`);
        }
        if (Date.now() >= deadline) throw new BotProcessError(`the bot did not listen on port ${port} within ${Math.round(timeoutMs / 1000)} s (is it using $PORT?)`, this.tail());
      await new Promise<void>((r) => {
        const timer = setTimeout(r, delay);
        void this.exited?.then(() => {
          clearTimeout(timer);
          r();
        });
      });
      }
    } finally {
      this.off('output', listen);
    }
  }

  /** A second Ctrl-C: the whole group is killed now, without waiting. */
  killNow(): void {
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL');
  }

  /** Ends the bot's whole process group: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.end();
    return this.stopping;
  }

  private async end(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const pgid = child.pid;
    signalGroup(pgid, 'SIGTERM');
    const graceMs = this.opts.killAfterMs ?? 5_000;
    const deadline = Date.now() + graceMs;
    // The leader's exit is an event; the rest of its group has none, so its members are checked briefly.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
    await this.exited;
    for (let i = 0; i < 40 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 25));
    this.keeper?.release();
  }

  /** The keeper's pid (tests check it is gone after a run). */
  get keeperPid(): number | undefined {
    return this.keeper?.pid;
  }
}

/** The most of one output line kept: a bot printing megabytes without a newline costs linear time and bounded memory. */
export const MAX_LINE_CHARS = 4_096;

/**
 * Splits a stream into lines in linear time: only the new chunk is searched for line ends, and a line
 * longer than MAX_LINE_CHARS keeps its start and says how much was cut.
 */
export class LineSplitter {
  private parts: string[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    let from = 0;
    for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', from)) {
      this.add(chunk.slice(from, at > 0 && chunk[at - 1] === '\r' ? at - 1 : at));
      this.flush();
      from = at + 1;
    }
    if (from < chunk.length) this.add(chunk.slice(from));
  }

  end(): void {
    if (this.kept > 0 || this.dropped > 0) this.flush();
  }

  private add(piece: string): void {
    const room = MAX_LINE_CHARS - this.kept;
    if (piece.length <= room) {
      this.parts.push(piece);
      this.kept += piece.length;
    } else {
      if (room > 0) this.parts.push(piece.slice(0, room));
      this.kept += Math.max(0, room);
      this.dropped += piece.length - Math.max(0, room);
    }
  }

  private flush(): void {
    let line = this.parts.join('');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.emit(this.dropped > 0 ? `${line}… (${this.dropped} more characters)` : line);
    this.parts = [];
    this.kept = 0;
    this.dropped = 0;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

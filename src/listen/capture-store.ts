// The capture log: one JSONL file per run, appended with group commit.
// Lines appended during one event-loop turn go out in one write(2) at the end of that turn, and a
// line's callback runs only after that write returned: an acked request survives SIGKILL.
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CaptureStoreEvents {
  /** The first failure after a healthy period, and each recovery, so the terminal can say so loudly. */
  onError?: (error: NodeJS.ErrnoException) => void;
  onRecover?: () => void;
}

type Done = (error?: NodeJS.ErrnoException) => void;

export class CaptureStore {
  readonly file: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private callbacks: Done[] = [];
  private scheduled = false;
  private failed = false;
  /** After a failed write a line may be torn: the next batch starts on a fresh line. */
  private mayBeTorn = false;
  private closed = false;

  constructor(file: string, private readonly events: CaptureStoreEvents = {}) {
    this.file = file;
  }

  static fileName(startedAt: Date, runTag: string): string {
    return `${startedAt.toISOString().replace(/[:.]/g, '-')}-${runTag}.jsonl`;
  }

  static inDir(dir: string, startedAt: Date, runTag: string, events?: CaptureStoreEvents): CaptureStore {
    return new CaptureStore(join(dir, CaptureStore.fileName(startedAt, runTag)), events);
  }

  /** Opens the file now, or throws: for start-up, when an unwritable file must stop the command. */
  openOrThrow(): void {
    this.ensureOpen();
  }

  /** Opens the file; on failure the store stays usable and retries on each batch (each failing batch errors). */
  async open(): Promise<void> {
    try {
      this.ensureOpen();
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
    }
  }

  /** Hot-path form: `done` runs once the line is in the file (kernel), or with the error. */
  write(line: string, done: Done): void {
    if (this.closed) return done(Object.assign(new Error('capture store is closed'), { code: 'ECLOSED' }));
    this.pending.push(line);
    this.callbacks.push(done);
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after this turn's I/O callbacks: every request parsed this turn joins the batch.
      setImmediate(() => this.flush());
    }
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => this.write(line, (e) => (e ? reject(e) : resolve())));
  }

  /** Writes what is queued now, in one write(2), then runs each line's callback. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    let batch = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    if (this.mayBeTorn) batch = `\n${batch}`;
    const callbacks = this.callbacks;
    this.pending = [];
    this.callbacks = [];
    let error: NodeJS.ErrnoException | undefined;
    try {
      writeAll(this.ensureOpen(), batch);
      this.mayBeTorn = false;
      if (this.failed) {
        this.failed = false;
        this.events.onRecover?.();
      }
    } catch (e) {
      error = e as NodeJS.ErrnoException;
      this.fail(error);
    }
    for (const done of callbacks) done(error);
  }

  private fail(e: NodeJS.ErrnoException): void {
    this.mayBeTorn = true;
    if (!this.failed) this.events.onError?.(e);
    this.failed = true;
    // Drop the descriptor so the next batch reopens (the disk may have been fixed meanwhile).
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable
      }
      this.fd = undefined;
    }
  }

  private ensureOpen(): number {
    if (this.fd !== undefined) return this.fd;
    makeDirs(dirname(this.file));
    this.fd = openSync(this.file, 'a', 0o600);
    return this.fd;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a string whole; the string form skips a JS Buffer copy in the common single-write case. */
function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  // A short write (rare on a regular file): finish from the byte offset reached.
  const buffer = Buffer.from(text, 'utf8');
  let offset = written;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
}

/** mkdir -p, one level at a time: Node's recursive mkdir can spin forever on pseudo file systems (/proc). */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  mkdirSync(dir, { mode: 0o700 });
}

// The capture log: one JSONL file per run, appended with group commit.
// A line's promise resolves only after write(2) returned for it, so an acked request survives SIGKILL.
import { close, existsSync, mkdirSync, open, write } from 'node:fs';
import { dirname, join } from 'node:path';

export interface CaptureStoreEvents {
  /** The first failure after a healthy period, and each recovery, so the terminal can say so loudly. */
  onError?: (error: NodeJS.ErrnoException) => void;
  onRecover?: () => void;
}

export class CaptureStore {
  readonly file: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private writing = false;
  private failed = false;
  /** After a failed write a line may be torn: the next batch starts on a fresh line. */
  private mayBeTorn = false;
  private closed = false;
  private drained: (() => void)[] = [];
  lines = 0;

  constructor(file: string, private readonly events: CaptureStoreEvents = {}) {
    this.file = file;
  }

  static fileName(startedAt: Date, runTag: string): string {
    return `${startedAt.toISOString().replace(/[:.]/g, '-')}-${runTag}.jsonl`;
  }

  static inDir(dir: string, startedAt: Date, runTag: string, events?: CaptureStoreEvents): CaptureStore {
    return new CaptureStore(join(dir, CaptureStore.fileName(startedAt, runTag)), events);
  }

  /** Opens the file; on failure the store stays usable and retries on each batch (each failing batch rejects). */
  async open(): Promise<void> {
    try {
      await this.ensureOpen();
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
    }
  }

  get healthy(): boolean {
    return !this.failed;
  }

  /** Resolves once the line is in the file (kernel), rejects if it could not be written. */
  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('capture store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push(line);
      this.waiters.push({ resolve, reject });
      if (!this.writing) this.flush();
    });
  }

  private flush(): void {
    if (this.pending.length === 0) {
      this.writing = false;
      for (const done of this.drained.splice(0)) done();
      return;
    }
    this.writing = true;
    // Everything queued while the previous write ran goes out in one write: group commit.
    let batch = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    if (this.mayBeTorn) batch = `\n${batch}`;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.ensureOpen()
      .then((fd) => writeAll(fd, Buffer.from(batch, 'utf8')))
      .then(
        () => {
          this.lines += waiters.length;
          this.mayBeTorn = false;
          if (this.failed) {
            this.failed = false;
            this.events.onRecover?.();
          }
          for (const w of waiters) w.resolve();
        },
        (e: NodeJS.ErrnoException) => {
          this.fail(e);
          for (const w of waiters) w.reject(e);
        },
      )
      .finally(() => this.flush());
  }

  private fail(e: NodeJS.ErrnoException): void {
    this.mayBeTorn = true;
    if (!this.failed) this.events.onError?.(e);
    this.failed = true;
    // Drop the descriptor so the next batch reopens (the disk may have been fixed meanwhile).
    if (this.fd !== undefined) {
      close(this.fd, () => undefined);
      this.fd = undefined;
    }
  }

  private async ensureOpen(): Promise<number> {
    if (this.fd !== undefined) return this.fd;
    makeDirs(dirname(this.file));
    this.fd = await new Promise<number>((resolve, reject) => open(this.file, 'a', 0o600, (err, fd) => (err ? reject(err) : resolve(fd))));
    return this.fd;
  }

  /** Waits for queued lines, then closes the file. */
  async close(): Promise<void> {
    if (this.writing || this.pending.length) await new Promise<void>((r) => this.drained.push(r));
    this.closed = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((r) => close(fd, () => r()));
  }
}

function writeAll(fd: number, buffer: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) =>
      write(fd, buffer, offset, buffer.length - offset, null, (err, written) => {
        if (err) return reject(err);
        if (offset + written < buffer.length) return step(offset + written);
        resolve();
      });
    step(0);
  });
}

/** mkdir -p, one level at a time: Node's recursive mkdir can spin forever on pseudo file systems (/proc). */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  mkdirSync(dir, { mode: 0o700 });
}

// Terminal output for a busy server: never blocks the ack path and never grows without bound.
// Lines written during one event-loop turn go out in one write; when the reader falls behind (a slow
// pipe), lines are dropped and counted; the capture file keeps everything.
import type { OutStream } from '../deps.js';

export class LineSink {
  dropped = 0;
  private pending: string[] = [];
  private scheduled = false;

  constructor(
    private readonly stream: OutStream & { writableLength?: number },
    private readonly maxBuffered = 4 * 1024 * 1024,
  ) {}

  write(text: string): void {
    this.pending.push(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending now (also called at shutdown). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    if ((this.stream.writableLength ?? 0) > this.maxBuffered) {
      this.dropped += lines.length;
      return;
    }
    let text = lines.join('');
    if (this.dropped > 0) {
      text = `[cometbot] ${this.dropped} output line(s) not shown: stdout was not keeping up (every request is in the capture file)\n${text}`;
      this.dropped = 0;
    }
    this.stream.write(text);
  }

  /**
   * At shutdown: writes what is pending and waits a moment for a slow reader. Resolves with the number
   * of lines never shown, and whether the reader is stalled (process.stdout cannot be closed, and its
   * queued writes would keep the process alive until someone reads them).
   */
  async close(waitMs = 1_000): Promise<{ notShown: number; stalled: boolean }> {
    const stream = this.stream as OutStream & { writableLength?: number; once: NodeJS.WritableStream['once'] };
    const congested = (stream.writableLength ?? 0) > this.maxBuffered;
    if (congested) this.dropped += this.pending.length;
    else this.flush();
    this.pending = [];
    let stalled = false;
    if ((stream.writableLength ?? 0) > 0) {
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), waitMs);
        stream.once('drain', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      stalled = !drained;
    }
    const notShown = this.dropped;
    this.dropped = 0;
    return { notShown, stalled };
  }
}

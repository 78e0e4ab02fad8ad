// Terminal output for a busy server: never blocks the ack path and never grows without bound.
// When the reader falls behind (a slow pipe), lines are dropped and counted; captures keep everything.
import type { OutStream } from '../deps.js';

export class LineSink {
  dropped = 0;

  constructor(
    private readonly stream: OutStream & { writableLength?: number },
    private readonly maxBuffered = 4 * 1024 * 1024,
  ) {}

  write(text: string): void {
    const buffered = this.stream.writableLength ?? 0;
    if (buffered > this.maxBuffered) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0 && buffered === 0) {
      const n = this.dropped;
      this.dropped = 0;
      this.stream.write(`[cometbot] ${n} output line(s) not shown: stdout was not keeping up (every request is in the capture file)\n`);
    }
    this.stream.write(text);
  }
}

// A bounded work queue: at most `concurrency` tasks run, at most `maxQueued` wait; the rest are
// dropped and counted, so a slow or dead target can never grow memory without bound.
export class TaskQueue {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];
  dropped = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  /** False when the task was dropped because the queue is full. */
  push(task: () => Promise<void>): boolean {
    if (this.running < this.concurrency) {
      this.run(task);
      return true;
    }
    if (this.waiting.length >= this.maxQueued) {
      this.dropped++;
      return false;
    }
    this.waiting.push(task);
    return true;
  }

  get pending(): number {
    return this.running + this.waiting.length;
  }

  private run(task: () => Promise<void>): void {
    this.running++;
    task()
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        const next = this.waiting.shift();
        if (next) this.run(next);
        else if (this.running === 0) for (const done of this.idleWaiters.splice(0)) done();
      });
  }

  /** Resolves when everything queued has run, or after timeoutMs (true if it drained). */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

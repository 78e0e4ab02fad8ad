// --forward-to: replays each acked callback to the developer's own bot, off the ack path.
import { TaskQueue } from '../core/task-queue.js';

export interface ForwardResult {
  id: string;
  status: number | null;
  ms: number;
  error?: string;
}

export interface ForwardJob {
  id: string;
  body: string;
  authorization?: string;
  contentType?: string;
}

export class Forwarder {
  private readonly queue: TaskQueue;

  constructor(
    readonly target: URL,
    private readonly onResult: (result: ForwardResult) => void,
    private readonly options: { timeoutMs?: number; concurrency?: number; maxQueued?: number } = {},
  ) {
    this.queue = new TaskQueue(options.concurrency ?? 16, options.maxQueued ?? 10_000);
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  forward(job: ForwardJob): void {
    const accepted = this.queue.push(() => this.send(job));
    if (!accepted) this.onResult({ id: job.id, status: null, ms: 0, error: 'dropped: the forward queue is full (target too slow)' });
  }

  private async send(job: ForwardJob): Promise<void> {
    const started = performance.now();
    const headers: Record<string, string> = { 'content-type': job.contentType ?? 'application/json', 'user-agent': 'cometbot-forward' };
    if (job.authorization) headers.authorization = job.authorization;
    try {
      const res = await fetch(this.target, { method: 'POST', headers, body: job.body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
      await res.arrayBuffer().catch(() => undefined);
      this.onResult({ id: job.id, status: res.status, ms: Math.round(performance.now() - started) });
    } catch (e) {
      this.onResult({ id: job.id, status: null, ms: Math.round(performance.now() - started), error: describeFetchError(e, this.options.timeoutMs ?? 10_000) });
    }
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs);
  }
}

export function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

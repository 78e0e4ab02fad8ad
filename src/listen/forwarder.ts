// --forward-to: replays each acked callback to the developer's own bot, off the ack path.
import { TaskQueue } from '../core/task-queue.js';
import { signedPost } from '../adapters/signed-post.js';

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

  forward(job: ForwardJob): void {
    const accepted = this.queue.push(() => this.send(job));
    if (!accepted) this.onResult({ id: job.id, status: null, ms: 0, error: 'dropped: the forward queue is full (target too slow)' });
  }

  private async send(job: ForwardJob): Promise<void> {
    const result = await signedPost({ url: this.target, body: job.body, auth: job.authorization, contentType: job.contentType, userAgent: 'cometbot-forward', timeoutMs: this.options.timeoutMs });
    this.onResult({ id: job.id, ...result });
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs);
  }
}

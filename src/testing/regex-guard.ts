// Regular expressions from conversation files run in a worker thread with a time budget: a pattern
// that backtracks catastrophically (`^(a+)+$` on a long reply) fails its step with a reason instead of
// spinning the run at 100 % CPU where Ctrl-C cannot reach it. The worker is one per run, reused,
// replaced after a timeout (terminate() stops even a busy loop), and ended with the run. The budget
// counts from the moment the worker starts the match, never its start-up or a queue: a loaded machine
// is not a catastrophic pattern.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, source, flags, text }) => {
  parentPort.postMessage({ id, started: true });
  try {
    const re = new RegExp(source, flags.replace(/[gy]/g, ''));
    const m = re.exec(text);
    parentPort.postMessage({ id, ok: m !== null, groups: m && m.groups ? Object.assign({}, m.groups) : undefined });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

/** A bound on a worker that never comes up, far above any start-up a loaded machine shows. */
const STARTUP_LIMIT_MS = 30_000;

export class RegexTimeout extends Error {
  constructor(
    readonly regex: RegExp,
    readonly textLength: number,
    readonly budgetMs: number,
  ) {
    super(`the regular expression ${String(regex)} took longer than ${budgetMs} ms on a ${textLength}-character text (it backtracks catastrophically: simplify it, e.g. no nested quantifiers like (a+)+)`);
  }
}

export class RegexGuard {
  private worker?: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { started: () => void; resolve: (r: { ok: boolean; groups?: Record<string, string> }) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(private readonly budgetMs = 1_000) {}

  /** Tests each pair under the budget; resolves with a lookup the pure matcher can use, and the named groups matched. */
  async evaluate(checks: { regex: RegExp; text: string }[]): Promise<{ test: (regex: RegExp, text: string) => boolean; groups: Record<string, string> }> {
    const results = new Map<RegExp, Map<string, boolean>>();
    const groups: Record<string, string> = {};
    for (const { regex, text } of checks) {
      const r = await this.exec(regex, text);
      const byText = results.get(regex) ?? new Map<string, boolean>();
      byText.set(text, r.ok);
      results.set(regex, byText);
      for (const [k, v] of Object.entries(r.groups ?? {})) if (v !== undefined) groups[k] = v;
    }
    return { test: (regex, text) => results.get(regex)?.get(text) ?? false, groups };
  }

  async test(regex: RegExp, text: string): Promise<boolean> {
    return (await this.exec(regex, text)).ok;
  }

  exec(regex: RegExp, text: string): Promise<{ ok: boolean; groups?: Record<string, string> }> {
    if (this.closed) return Promise.reject(new Error('the regular expression guard is closed'));
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Until the worker starts the match only a hang is bounded (a worker that never comes up).
      let timer: NodeJS.Timeout | undefined = setTimeout(() => {
        this.waiting.delete(id);
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
        reject(new Error(`the regular expression worker did not start within ${STARTUP_LIMIT_MS / 1000} s`));
      }, STARTUP_LIMIT_MS);
      const expire = () => {
        this.waiting.delete(id);
        // The worker is stuck in that match: end it; the next test gets a fresh one.
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
        reject(new RegexTimeout(regex, text.length, this.budgetMs));
      };
      this.waiting.set(id, {
        started: () => {
          clearTimeout(timer);
          timer = setTimeout(expire, this.budgetMs);
        },
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      worker.postMessage({ id, source: regex.source, flags: regex.flags, text });
    });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; started?: true; ok?: boolean; groups?: Record<string, string>; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      if (m.started) return w.started();
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve({ ok: Boolean(m.ok), ...(m.groups ? { groups: m.groups } : {}) });
    });
    worker.on('error', (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const w of this.waiting.values()) w.reject(new Error('the run ended'));
    this.waiting.clear();
    await worker?.terminate();
  }
}

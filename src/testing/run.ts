// A test run: one emulator for the run, every selected case in order against one bot, typed events
// for reporters, one idempotent close. Commands create it, subscribe, and render.
import { EventEmitter } from 'node:events';
import type { Emulator } from '../emulator/server.js';
import type { Credentials } from '../core/basic-auth.js';
import type { ConvoFile } from '../core/convo/model.js';
import { percentiles } from '../core/stats.js';
import { isInterrupted, runCase } from './case-runner.js';
import type { CaseResult, FileSummary, RunSummary } from './results.js';

export interface TestRunOptions {
  files: ConvoFile[];
  /** The bot's webhook URL. */
  botUrl: string;
  /** The emulator's port (0 = any free port). */
  apiPort: number;
  credentials: Credentials | null;
  app: { appId: string; region: string; apiKey: string; anyApiKey: boolean };
  failFast?: boolean;
  /** The last lines of the bot process's output, attached to failures. */
  botOutput?: () => string[];
}

export interface TestRunEvents {
  'file-start': [ConvoFile];
  case: [CaseResult];
  'file-end': [FileSummary];
  end: [RunSummary];
}

export class TestRun extends EventEmitter<TestRunEvents> {
  private emulator?: Emulator;
  private readonly abort = new AbortController();
  private closing?: Promise<void>;

  constructor(private readonly opts: TestRunOptions) {
    super();
  }

  /** Starts the emulator; resolves with the REST base URL the bot must use. */
  async start(): Promise<{ apiUrl: string; emulator: Emulator }> {
    const { Emulator } = await import('../emulator/server.js');
    const { app } = this.opts;
    const emulator = new Emulator({ port: this.opts.apiPort, appId: app.appId, region: app.region, apiKey: app.apiKey, anyApiKey: app.anyApiKey, retryDelaysMs: [] });
    await emulator.start();
    this.emulator = emulator;
    return { apiUrl: emulator.baseUrl, emulator };
  }

  /** Runs every case; resolves with the summary (also emitted as `end`). */
  async run(): Promise<RunSummary> {
    const emulator = this.emulator;
    if (!emulator) throw new Error('TestRun.start() first');
    const arena = { emulator, botUrl: this.opts.botUrl, credentials: this.opts.credentials, signal: this.abort.signal };
    const started = performance.now();
    const all: CaseResult[] = [];
    const total = this.opts.files.reduce((n, f) => n + f.tests.length, 0);
    let stopped = false;
    for (const file of this.opts.files) {
      if (stopped) break;
      this.emit('file-start', file);
      const fileStarted = performance.now();
      const results: CaseResult[] = [];
      for (const c of file.tests) {
        let result: CaseResult;
        try {
          result = await runCase(arena, file, c);
        } catch (e) {
          if (isInterrupted(e)) {
            stopped = true;
            break;
          }
          throw e;
        }
        if (result.status === 'failed' && this.opts.botOutput) result.botOutput = this.opts.botOutput();
        results.push(result);
        all.push(result);
        this.emit('case', result);
        if (result.status === 'failed' && this.opts.failFast) {
          stopped = true;
          break;
        }
      }
      this.emit('file-end', { file: file.path, suite: file.name, ...count(results), ms: Math.round(performance.now() - fileStarted), ...latency(results) });
    }
    const summary: RunSummary = { ...count(all), ms: Math.round(performance.now() - started), ...latency(all), notRun: total - all.length, interrupted: this.abort.signal.aborted };
    this.emit('end', summary);
    return summary;
  }

  /** Ctrl-C / SIGTERM: the case in progress stops at its next wait. */
  interrupt(): void {
    this.abort.abort();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      await this.emulator?.close();
    })();
    return this.closing;
  }
}

function count(results: CaseResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
}

function latency(results: CaseResult[]) {
  return { ack: percentiles(results.flatMap((r) => r.ackMs)), reply: percentiles(results.flatMap((r) => r.replyMs)) };
}

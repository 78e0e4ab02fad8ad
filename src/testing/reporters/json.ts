// NDJSON: one `case` event per case, then one `summary`. U+007F–U+009F are escaped as well as what
// JSON requires, so a terminal showing the stream is safe.
import type { CaseResult, FileSummary, LateReply, RunSummary } from '../results.js';
import type { Reporter } from './reporter.js';

export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

export class JsonReporter implements Reporter {
  constructor(private readonly write: (text: string) => void) {}

  case(r: CaseResult): void {
    this.write(
      jsonLine({
        event: 'case',
        file: r.file,
        suite: r.suite,
        name: r.name,
        status: r.status,
        ms: r.ms,
        steps: r.steps,
        ...(r.failure ? { failure: { ...r.failure, transcript: r.transcript, refused: r.refused, ...(r.botOutput ? { botOutput: r.botOutput } : {}) } } : {}),
        ...(r.skipReason ? { skipReason: r.skipReason } : {}),
      }),
    );
  }

  late(l: LateReply): void {
    this.write(jsonLine({ event: 'late', file: l.file, suite: l.suite, case: l.case, line: l.line, message: l.message }));
  }

  fileEnd(_s: FileSummary): void {}

  end(s: RunSummary): void {
    this.write(jsonLine({ event: 'summary', passed: s.passed, failed: s.failed, skipped: s.skipped, ms: s.ms, ack: s.ack, reply: s.reply, ...(s.notRun ? { notRun: s.notRun } : {}), ...(s.interrupted ? { interrupted: true } : {}), ...(s.late.length ? { late: s.late.length } : {}), ...(s.botExited ? { botExited: s.botExited } : {}), ...(s.live ? { live: s.live } : {}) }));
  }
}

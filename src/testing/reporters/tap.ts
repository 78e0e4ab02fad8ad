// TAP version 14: one test point per case, the failure as a YAML diagnostic block, the plan at the end.
import { stringify } from 'yaml';
import type { CaseResult, FileSummary, RunSummary } from '../results.js';
import { transcriptLines, type Reporter } from './reporter.js';
import { safeLine } from '../../core/terminal-text.js';

export class TapReporter implements Reporter {
  private n = 0;

  constructor(private readonly write: (text: string) => void) {
    this.write('TAP version 14\n');
  }

  case(r: CaseResult): void {
    this.n += 1;
    const description = escapeDescription(`${r.suite} › ${r.name}`);
    if (r.status === 'skipped') {
      this.write(`ok ${this.n} - ${description} # SKIP ${escapeDirective(r.skipReason ?? '')}\n`);
      return;
    }
    this.write(`${r.status === 'passed' ? 'ok' : 'not ok'} ${this.n} - ${description} # time=${r.ms}ms\n`);
    if (r.status === 'failed' && r.failure) {
      const f = r.failure;
      const diagnostic = {
        message: f.message,
        severity: 'fail',
        at: { file: f.file, line: f.line, column: f.column },
        step: f.kind,
        ...(f.hint ? { hint: f.hint } : {}),
        ...(f.diff.length ? { diff: f.diff.join('\n') } : {}),
        transcript: transcriptLines(r).join('\n'),
        ...(r.refused.length ? { refused: r.refused.map((c) => `${c.method} ${c.path} → ${c.status} ${c.errorCode ?? ''}`.trim()) } : {}),
        ...(r.botOutput?.length ? { botOutput: r.botOutput.join('\n') } : {}),
      };
      const yaml = stringify(diagnostic, { lineWidth: 0 }).trimEnd();
      this.write(`  ---\n${yaml.split('\n').map((l) => `  ${l}`).join('\n')}\n  ...\n`);
    }
  }

  fileEnd(_s: FileSummary): void {}

  end(s: RunSummary): void {
    if (s.late.length > 0) {
      // The cases were reported ok before these came: one more test point makes the stream fail.
      this.n += 1;
      this.write(`not ok ${this.n} - late replies: ${s.late.length} bot message(s) came after their case was reported\n`);
      const yaml = stringify({ message: 'replies that came after their case ended', severity: 'fail', late: s.late.map((l) => `${l.file}:${l.line} ${l.case}: ${l.message}`) }, { lineWidth: 0 }).trimEnd();
      this.write(`  ---\n${yaml.split('\n').map((l) => `  ${l}`).join('\n')}\n  ...\n`);
    }
    if (s.live) this.write(`# live: ${oneLine(s.live)}\n`);
    if (s.interrupted) this.write('Bail out! interrupted\n');
    this.write(`1..${this.n}\n`);
  }
}

/** In a test point's description, # starts a directive and \ escapes: escape both; one line only. */
function escapeDescription(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function escapeDirective(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

/** One line, terminal-safe: newlines become spaces, every other control character is shown escaped. */
function oneLine(text: string): string {
  return safeLine(text.replace(/[\r\n]+/g, ' '));
}

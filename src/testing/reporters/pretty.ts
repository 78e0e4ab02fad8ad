// The report a person reads: a line per case, then each failure in full, then the totals.
import type { Colors } from '../../adapters/colors.js';
import { safeLine } from '../../core/terminal-text.js';
import type { CaseResult, FileSummary, RunSummary } from '../results.js';
import { latencyLine, ms, transcriptLines, type Reporter } from './reporter.js';

export class PrettyReporter implements Reporter {
  private readonly failures: CaseResult[] = [];
  private fileHeader?: string;
  private files = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly c: Colors,
    private readonly verbose = false,
  ) {}

  case(r: CaseResult): void {
    if (this.fileHeader !== r.file) {
      this.fileHeader = r.file;
      this.write(`${this.c.bold(safeLine(r.file))}${r.suite !== baseName(r.file) ? this.c.dim(`  (${safeLine(r.suite)})`) : ''}\n`);
    }
    const name = safeLine(r.name);
    if (r.status === 'passed') this.write(`  ${this.c.green('✓')} ${name} ${this.c.dim(ms(r.ms))}\n`);
    else if (r.status === 'skipped') this.write(`  ${this.c.yellow('-')} ${name} ${this.c.dim(`(skipped${r.skipReason && r.skipReason !== 'skipped' ? `: ${safeLine(r.skipReason)}` : ''})`)}\n`);
    else {
      this.failures.push(r);
      this.write(`  ${this.c.red('✗')} ${name} ${this.c.dim(ms(r.ms))}\n`);
    }
    if (this.verbose && r.status !== 'skipped') for (const line of transcriptLines(r)) this.write(this.c.dim(`      ${safeLine(line)}\n`));
  }

  fileEnd(s: FileSummary): void {
    this.files += 1;
    if (s.passed + s.failed > 0) this.write(this.c.dim(`  ${latencyLine(s)}\n`));
    this.write('\n');
  }

  end(s: RunSummary): void {
    if (this.failures.length > 0) {
      this.write(`${this.c.bold(this.c.red('Failures'))}\n\n`);
      this.failures.forEach((r, i) => this.failure(r, i + 1));
    }
    if (s.late.length > 0) {
      this.write(`${this.c.bold(this.c.red('Late replies'))} ${this.c.dim('(after their case was reported: the run fails)')}\n`);
      for (const l of s.late) this.write(`  ${this.c.cyan(`${safeLine(l.file)}:${l.line}`)} ${safeLine(l.case)}: ${safeLine(l.message)}\n`);
      this.write('\n');
    }
    if (s.botExited) this.write(`${this.c.red(safeLine(s.botExited))}: the cases after it were not run\n`);
    const counts = [`${s.passed} passed`, `${s.failed} failed`, ...(s.skipped ? [`${s.skipped} skipped`] : [])].join(', ');
    const color = s.failed > 0 || s.late.length > 0 ? this.c.red : this.c.green;
    const tail = s.interrupted ? ` — interrupted, ${s.notRun} not run` : s.botExited && s.notRun > 0 ? ` — ${s.live ? 'the app stopped answering' : 'the bot exited'}, ${s.notRun} not run` : s.notRun > 0 ? ` — stopped at the first failure (--fail-fast), ${s.notRun} not run` : '';
    this.write(`${color(counts)}${this.c.dim(` (${ms(s.ms)})`)}${tail}\n`);
    if (s.live) this.write(`${this.c.dim(`live: ${safeLine(s.live)}`)}\n`);
    // With one file its latency line was just printed: the run's is the same line.
    if (this.files > 1) this.write(`${this.c.dim(latencyLine(s))}\n`);
  }

  private failure(r: CaseResult, n: number): void {
    const f = r.failure!;
    const w = (line: string) => this.write(`   ${line}\n`);
    this.write(`${n}) ${safeLine(r.suite)} › ${safeLine(r.name)}\n`);
    w(this.c.cyan(`${safeLine(f.file)}:${f.line}:${f.column}`) + this.c.dim(`  ${f.kind === 'case' ? 'end of case' : `${f.kind} step`}`));
    w(safeLine(f.message));
    if (f.hint) w(this.c.yellow(`hint: ${safeLine(f.hint)}`));
    for (const line of f.diff) w(line.startsWith('- ') ? this.c.green(safeLine(line)) : line.startsWith('+ ') ? this.c.red(safeLine(line)) : this.c.dim(safeLine(line)));
    w(this.c.dim('transcript:'));
    for (const line of transcriptLines(r)) w(`  ${safeLine(line)}`);
    if (r.refused.length > 0) {
      w(this.c.dim('REST calls the emulator refused:'));
      for (const call of r.refused) w(`  ${safeLine(`${call.method} ${call.host ? `https://${call.host}` : ''}${call.path} → ${call.status} ${call.errorCode ?? ''}`)}`);
    }
    if (r.botOutput && r.botOutput.length > 0) {
      w(this.c.dim(`bot output (last ${r.botOutput.length} lines):`));
      for (const line of r.botOutput) w(`  ${safeLine(line)}`);
    }
    this.write('\n');
  }
}

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.convo\.(ya?ml|json)$/, '');
}

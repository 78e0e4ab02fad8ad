// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub actions): a testsuite per file, a testcase
// per case, the failure's one-line reason in `message` and the detail in its body, the transcript in
// system-out. xmlbuilder2 escapes text and attributes and replaces characters XML 1.0 forbids.
import { create } from 'xmlbuilder2';
import type { CaseResult, FileSummary, RunSummary } from '../results.js';
import { latencyLine, transcriptLines, type Reporter } from './reporter.js';

export class JUnitReporter implements Reporter {
  private readonly files = new Map<string, { summary?: FileSummary; cases: CaseResult[] }>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly timestamp: () => Date = () => new Date(),
  ) {}

  case(r: CaseResult): void {
    const entry = this.files.get(r.file) ?? { cases: [] };
    entry.cases.push(r);
    this.files.set(r.file, entry);
  }

  fileEnd(s: FileSummary): void {
    const entry = this.files.get(s.file) ?? { cases: [] };
    entry.summary = s;
    this.files.set(s.file, entry);
  }

  end(s: RunSummary): void {
    const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
    // A late reply fails the case it belongs to (it came after that case was reported passed).
    const lateOf = new Map<string, string[]>();
    for (const l of s.late) lateOf.set(`${l.file}:${l.line}`, [...(lateOf.get(`${l.file}:${l.line}`) ?? []), l.message]);
    const failedLate = (c: CaseResult) => c.status === 'passed' && lateOf.has(`${c.file}:${c.line}`);
    const lateFailures = [...this.files.values()].flatMap((f) => f.cases).filter(failedLate).length;
    const root = doc.ele('testsuites', { name: 'cometbot test', tests: s.passed + s.failed + s.skipped, failures: s.failed + lateFailures, errors: 0, skipped: s.skipped, time: seconds(s.ms) });
    const at = this.timestamp().toISOString().replace(/\.\d{3}Z$/, '');
    let id = 0;
    for (const [file, { summary, cases }] of this.files) {
      const suiteName = summary?.suite ?? cases[0]?.suite ?? file;
      const suite = root.ele('testsuite', {
        name: suiteName,
        tests: cases.length,
        failures: cases.filter((c) => c.status === 'failed' || failedLate(c)).length,
        errors: 0,
        skipped: cases.filter((c) => c.status === 'skipped').length,
        time: seconds(summary?.ms ?? cases.reduce((n, c) => n + c.ms, 0)),
        timestamp: at,
        hostname: 'localhost',
        id: id++,
        package: file,
      });
      const properties = suite.ele('properties');
      properties.ele('property', { name: 'file', value: file }).up().ele('property', { name: 'latency', value: summary ? latencyLine(summary) : '' });
      if (s.live) properties.ele('property', { name: 'live', value: s.live });
      for (const c of cases) {
        const testcase = suite.ele('testcase', { name: c.name, classname: suiteName, time: seconds(c.ms), file, line: c.line });
        if (c.status === 'skipped') testcase.ele('skipped', { message: c.skipReason ?? 'skipped' });
        else if (failedLate(c)) {
          const messages = lateOf.get(`${c.file}:${c.line}`)!;
          testcase.ele('failure', { message: 'a reply came after the case ended', type: 'late' }).txt(['replies that came after this case was reported:', ...messages.map((m) => `  ${m}`)].join('\n'));
        }
        else if (c.status === 'failed' && c.failure) {
          const f = c.failure;
          const detail = [`${f.file}:${f.line}:${f.column} (${f.kind === 'case' ? 'end of case' : `${f.kind} step`})`, f.message, ...(f.hint ? [`hint: ${f.hint}`] : []), ...f.diff];
          if (c.refused.length) detail.push('REST calls the emulator refused:', ...c.refused.map((r) => `  ${r.method} ${r.path} → ${r.status} ${r.errorCode ?? ''}`));
          if (c.botOutput?.length) detail.push('bot output:', ...c.botOutput.map((l) => `  ${l}`));
          testcase.ele('failure', { message: f.message, type: f.kind }).txt(detail.join('\n'));
        }
        if (c.status !== 'skipped') testcase.ele('system-out').txt(transcriptLines(c).join('\n'));
      }
      suite.ele('system-out').txt('');
      suite.ele('system-err').txt('');
    }
    this.write(`${doc.end({ prettyPrint: true })}\n`);
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

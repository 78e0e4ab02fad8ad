// The reporters, rendered from fixed results: golden JUnit and TAP, the JUnit checked against the
// JUnit XSD with libxml2 (xmllint-wasm), the TAP read back by tap-parser, NDJSON and pretty by eye.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { Parser } from 'tap-parser';
import { JUnitReporter } from '../../src/testing/reporters/junit.js';
import { TapReporter } from '../../src/testing/reporters/tap.js';
import { JsonReporter } from '../../src/testing/reporters/json.js';
import { PrettyReporter } from '../../src/testing/reporters/pretty.js';
import type { Reporter } from '../../src/testing/reporters/reporter.js';
import type { CaseResult, FileSummary, RunSummary } from '../../src/testing/results.js';
import { createColors, loadChalk } from '../../src/adapters/colors.js';

const XSD = fileURLToPath(new URL('../fixtures/junit.xsd', import.meta.url));

/** Compares with a committed golden file; UPDATE_GOLDEN=1 rewrites it. A missing golden fails. */
function golden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`../golden/${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(existsSync(path), `golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/unit/reporters.test.ts and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const passed: CaseResult = {
  file: 'bots/echo.convo.yaml',
  suite: 'echo bot',
  name: 'echoes',
  line: 4,
  status: 'passed',
  ms: 12,
  steps: [
    { line: 6, kind: 'user', status: 'passed', ms: 5 },
    { line: 7, kind: 'bot', status: 'passed', ms: 7 },
  ],
  transcript: [
    { at: 0, text: 'alice → echo-bot: hello' },
    { at: 5, text: '  callback #1 (data.id 1) → 200 in 4 ms' },
    { at: 12, text: 'echo-bot → alice: echo: hello (11 ms)' },
  ],
  refused: [],
  ackMs: [4],
  replyMs: [11],
};

const failed: CaseResult = {
  file: 'bots/echo.convo.yaml',
  suite: 'echo bot',
  name: 'greets <politely> & "quickly" # fast',
  line: 9,
  status: 'failed',
  ms: 240,
  steps: [
    { line: 11, kind: 'user', status: 'passed', ms: 3 },
    { line: 12, kind: 'bot', status: 'failed', ms: 237 },
  ],
  failure: { message: "the bot's message does not match: text", file: 'bots/echo.convo.yaml', line: 12, column: 9, kind: 'bot', diff: ['- text: "Hello alice"', '+ text: "Hi\u001b[2J alice"'] },
  transcript: [
    { at: 0, text: 'alice → echo-bot: hi' },
    { at: 3, text: '  callback #2 (data.id 3) → 200 in 2 ms' },
    { at: 236, text: 'echo-bot → alice: Hi\u001b[2J alice (233 ms)' },
  ],
  refused: [{ method: 'POST', path: '/v3/bots/echo-bot/messages', status: 400, errorCode: 'ERR_EMPTY_MESSAGE_TEXT' }],
  ackMs: [2],
  replyMs: [233],
  botOutput: ['listening on 3000', 'send failed: 400'],
};

const skipped: CaseResult = { file: 'bots/group.convo.yaml', suite: 'group', name: 'later', line: 3, status: 'skipped', skipReason: 'not yet', ms: 0, steps: [{ line: 5, kind: 'user', status: 'skipped', ms: 0 }], transcript: [], refused: [], ackMs: [], replyMs: [] };

const files: FileSummary[] = [
  { file: 'bots/echo.convo.yaml', suite: 'echo bot', passed: 1, failed: 1, skipped: 0, ms: 252, ack: { p50: 2, p95: 4 }, reply: { p50: 11, p95: 233 } },
  { file: 'bots/group.convo.yaml', suite: 'group', passed: 0, failed: 0, skipped: 1, ms: 0, ack: { p50: null, p95: null }, reply: { p50: null, p95: null } },
];
const summary: RunSummary = { passed: 1, failed: 1, skipped: 1, ms: 260, ack: { p50: 2, p95: 4 }, reply: { p50: 11, p95: 233 }, notRun: 0, interrupted: false, late: [] };

function render(make: (write: (s: string) => void) => Reporter): string {
  let text = '';
  const reporter = make((s) => (text += s));
  reporter.case(passed);
  reporter.case(failed);
  reporter.fileEnd(files[0]!);
  reporter.case(skipped);
  reporter.fileEnd(files[1]!);
  reporter.end(summary);
  return text;
}

const junit = () => render((w) => new JUnitReporter(w, () => new Date('2026-11-30T12:00:00.000Z')));

describe('JUnit reporter', () => {
  it('matches the golden report', () => golden('report.junit.xml', junit()));

  it('is valid against the JUnit XSD', async () => {
    const result = await validateXML({ xml: { fileName: 'report.xml', contents: junit() }, schema: { fileName: 'junit.xsd', contents: readFileSync(XSD, 'utf8') } });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the XSD check can fail: a testcase without a name is refused', async () => {
    const broken = junit().replace('<testcase name="echoes"', '<testcase');
    const result = await validateXML({ xml: { fileName: 'report.xml', contents: broken }, schema: { fileName: 'junit.xsd', contents: readFileSync(XSD, 'utf8') } });
    expect(result.valid).toBe(false);
  });

  it('escapes markup and replaces characters XML 1.0 forbids (ESC) in names, messages and output', () => {
    const xml = junit();
    expect(xml).toContain('name="greets &lt;politely&gt; &amp; &quot;quickly&quot; # fast"');
    expect(xml).not.toContain('\u001b');
    expect(xml).toContain('Hi\uFFFD[2J alice');
  });
});

describe('TAP reporter', () => {
  it('matches the golden report', () => golden('report.tap', render((w) => new TapReporter(w))));

  it('is read back by a TAP 14 parser: counts, the skip, and the failure diagnostics', () => {
    const events = Parser.parse(render((w) => new TapReporter(w)));
    const complete = events.find((e) => e[0] === 'complete')![1] as { ok: boolean; count: number; pass: number; fail: number; skip: number; failures: { name: string; diag: Record<string, unknown> }[] };
    expect(events.find((e) => e[0] === 'version')).toEqual(['version', 14]);
    expect(complete).toMatchObject({ ok: false, count: 3, pass: 2, fail: 1, skip: 1 });
    expect(complete.failures[0]!.name).toBe('echo bot › greets <politely> & "quickly" # fast');
    expect(complete.failures[0]!.diag).toMatchObject({ message: "the bot's message does not match: text", at: { file: 'bots/echo.convo.yaml', line: 12, column: 9 }, step: 'bot' });
    expect(String(complete.failures[0]!.diag.diff)).toBe('- text: "Hello alice"\n+ text: "Hi\u001b[2J alice"');
  });
});

describe('JSON reporter', () => {
  it('prints one case event per case and a summary, as DESIGN.md lists them', () => {
    const lines = render((w) => new JsonReporter(w)).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.status])).toEqual([
      ['case', 'passed'],
      ['case', 'failed'],
      ['case', 'skipped'],
      ['summary', undefined],
    ]);
    expect(lines[0]).toEqual({ event: 'case', file: 'bots/echo.convo.yaml', suite: 'echo bot', name: 'echoes', status: 'passed', ms: 12, steps: passed.steps });
    expect(lines[1].failure).toMatchObject({ message: "the bot's message does not match: text", line: 12, kind: 'bot', refused: failed.refused, botOutput: failed.botOutput });
    expect(lines[3]).toEqual({ event: 'summary', passed: 1, failed: 1, skipped: 1, ms: 260, ack: { p50: 2, p95: 4 }, reply: { p50: 11, p95: 233 } });
  });

  it('escapes U+007F–U+009F as well as what JSON requires', () => {
    const lines = render((w) => new JsonReporter(w)).trimEnd().split('\n');
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(lines[1]).toContain('Hi\\u001b[2J alice');
  });
});

describe('pretty reporter', async () => {
  const plain = createColors(false, await loadChalk());
  it('shows a line per case, each failure in full, then the totals and latency', () => {
    golden('report.pretty.txt', render((w) => new PrettyReporter(w, plain)));
  });
  it('never lets bot text reach the terminal raw', () => {
    const text = render((w) => new PrettyReporter(w, plain));
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Hi\\x1b[2J alice');
  });
});

describe('late replies and terminal safety in every report', () => {
  const late = { file: 'bots/echo.convo.yaml', suite: 'echo bot', case: 'echoes', line: 4, message: 'echo-bot → bob: psst' };
  const withLate = (make: (write: (s: string) => void) => Reporter) => {
    let text = '';
    const reporter = make((s) => (text += s));
    reporter.case(passed);
    reporter.late?.(late);
    reporter.fileEnd(files[0]!);
    reporter.end({ ...summary, failed: 0, skipped: 0, late: [late] });
    return text;
  };

  it('TAP: a late reply is one more failing test point, read back by a TAP parser', () => {
    const events = Parser.parse(withLate((w) => new TapReporter(w)));
    const asserts = events.filter((e) => e[0] === 'assert').map((e) => e[1] as { ok: boolean; name: string });
    expect(asserts.map((a) => [a.ok, a.name])).toEqual([[true, 'echo bot › echoes'], [false, 'late replies: 1 bot message(s) came after their case was reported']]);
  });

  it('JUnit: the case a late reply belongs to fails, and the report stays valid', async () => {
    const xml = withLate((w) => new JUnitReporter(w, () => new Date('2026-11-30T12:00:00.000Z')));
    expect(xml).toMatch(/<testsuites name="cometbot test" tests="1" failures="1"/);
    expect(xml).toContain('<failure message="a reply came after the case ended" type="late">');
    const result = await validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: readFileSync(XSD, 'utf8') } });
    expect(result.valid).toBe(true);
  });

  it('JSON and pretty: a late event, and a Late replies section', () => {
    const ndjson = withLate((w) => new JsonReporter(w)).trim().split('\n').map((l) => JSON.parse(l));
    expect(ndjson.map((e) => e.event)).toEqual(['case', 'late', 'summary']);
    expect(ndjson.at(-1).late).toBe(1);
    const pretty = withLate((w) => new PrettyReporter(w, createColors(false), false));
    expect(pretty).toContain('Late replies (after their case was reported: the run fails)\n  bots/echo.convo.yaml:4 echoes: echo-bot → bob: psst\n');
  });

  it('TAP: escape sequences in names never reach the terminal raw', () => {
    let tap = '';
    const reporter = new TapReporter((s) => (tap += s));
    reporter.case({ ...failed, name: 'evil \u001b[2J\u009b31m name' });
    reporter.end(summary);
    const line = tap.split('\n').find((l) => l.startsWith('not ok 1'))!;
    // Shown escaped (\x1b), and the backslash escaped again as TAP descriptions require.
    expect(line).toContain('evil \\\\x1b[2J\\\\x9b31m name #');
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

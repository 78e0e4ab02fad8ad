// A reporter turns a run's events into one format. It writes through `write`; a reporter whose format
// needs the whole run (JUnit) writes at the end.
import type { CaseResult, FileSummary, LateReply, RunSummary } from '../results.js';

export interface Reporter {
  case(result: CaseResult): void;
  /** A reply that came after its case was reported (the run fails). */
  late?(reply: LateReply): void;
  fileEnd(summary: FileSummary): void;
  end(summary: RunSummary): void;
}


/** Formats a millisecond figure for people: "38 ms", "1.2 s". */
export function ms(value: number): string {
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}

export function latencyLine(s: Pick<RunSummary, 'ack' | 'reply'>): string {
  const fmt = (p: { p50: number | null; p95: number | null }) => (p.p50 === null ? 'n/a' : `p50 ${ms(p.p50)}, p95 ${ms(p.p95!)}`);
  return `ack ${fmt(s.ack)} · reply ${fmt(s.reply)}`;
}

/** The transcript as lines with times: "   12 ms  alice → bot: hi". */
export function transcriptLines(result: CaseResult): string[] {
  return result.transcript.map((t) => `${String(t.at).padStart(6)} ms  ${t.text}`);
}

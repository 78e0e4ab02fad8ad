// Which cases a run runs: --grep, --shard I/N, and the summary of a run that runs none (--list).
import type { ConvoFile } from '../core/convo/model.js';
import type { RunSummary } from './results.js';
import { UsageError } from '../errors.js';

/** `--shard I/N`: whole numbers with 1 ≤ I ≤ N. */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`invalid --shard "${raw}"`, 'write the slice and the number of slices, e.g. --shard 2/4 (from 1/N to N/N)');
  return { index, count };
}

/**
 * The I-th of N slices: every case in file order (files as discovered, sorted by path), dealt round
 * robin, so each machine that sees the same files makes the same slices and each case runs once.
 */
export function shardCases(files: ConvoFile[], index: number, count: number): ConvoFile[] {
  let k = 0;
  return files
    .map((f) => ({ ...f, tests: f.tests.filter(() => k++ % count === index - 1) }))
    .filter((f) => f.tests.length > 0);
}

export function emptySummary(): RunSummary {
  const none = { p50: null, p95: null };
  return { passed: 0, failed: 0, skipped: 0, ms: 0, ack: none, reply: none, notRun: 0, interrupted: false, late: [] };
}

/** `--grep TEXT`: the cases whose suite or name contains it, ignoring case. */
export function selectCases(files: ConvoFile[], grep: string): ConvoFile[] {
  const needle = grep.toLowerCase();
  return files
    .map((f) => ({ ...f, tests: f.tests.filter((c) => `${f.name} ${c.name}`.toLowerCase().includes(needle)) }))
    .filter((f) => f.tests.length > 0);
}


// Latency summaries for reports.
export interface Percentiles {
  p50: number | null;
  p95: number | null;
}

/** Nearest-rank percentiles; null when there are no samples. */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: null, p95: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: rank(50), p95: rank(95) };
}

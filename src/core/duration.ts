// Durations as people write them in test files and flags: 250ms, 2s, 1.5s, or plain milliseconds.
import { UsageError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** Milliseconds, or undefined when the value is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS]);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2))}s`;
}

/** `10s,30s` or milliseconds `10000,30000` (what listen --respond measured); `flag` names it in the error. */
export function parseDelays(raw: string | undefined, flag = '--retry-delays'): number[] | undefined {
  if (raw === undefined) return undefined;
  const delays = raw.split(',').map((s) => parseDuration(s.trim()));
  if (delays.some((d) => d === undefined)) throw new UsageError(`invalid ${flag} "${raw}"`, `e.g. ${flag} 10s,30s (or milliseconds: 10000,30000)`);
  return delays as number[];
}

/** A duration flag's value in milliseconds (undefined when the flag is absent). */
export function parseDurationFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`invalid ${flag} "${value}"`, `write a duration: ${flag} 250ms, 2s or 1.5s`);
  return ms;
}

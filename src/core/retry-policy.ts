// When to retry a CometChat call and how long to wait. Pure, so the rules are unit-tested directly.

export const MAX_ATTEMPTS = 3;
export const MAX_RETRY_AFTER_MS = 30_000;
export const BACKOFF_BASE_MS = 500;

/** Connection-level failures worth another try (the server may never have seen the request). */
export const RETRYABLE_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

export type Outcome = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'network'; code: string };

/** Milliseconds to wait before the next attempt, or null to stop. `attempt` is 1-based (the one that just failed). */
export function retryDelay(outcome: Outcome, attempt: number, random: () => number = Math.random): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const backoff = BACKOFF_BASE_MS * 2 ** (attempt - 1) * (0.8 + random() * 0.4);
  if (outcome.kind === 'network') return RETRYABLE_ERROR_CODES.has(outcome.code) ? backoff : null;
  if (outcome.status === 429) {
    const after = parseRetryAfter(outcome.retryAfter);
    return after === undefined ? backoff : Math.min(after, MAX_RETRY_AFTER_MS);
  }
  if (outcome.status >= 500) return backoff;
  return null; // Other 4xx: the request itself is wrong; repeating it cannot help.
}

/** Retry-After is seconds or an HTTP date; returns milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

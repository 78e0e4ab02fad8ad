// In-memory logs keep the newest N entries: a long-running emulator never grows without bound.
export const LOG_LIMIT = 10_000;

export function pushBounded<T>(log: T[], item: T, limit = LOG_LIMIT): void {
  log.push(item);
  if (log.length > limit) log.splice(0, log.length - limit);
}

// `listen --respond`: which deliveries of each callback get the provoked answer, and when each delivery
// came — CometChat's real retry schedule, reported in listen's summary. Pure: the caller gives the time.

/** Deliveries of one callback (same trigger and data.id) and the delays between them. */
export interface Redelivery {
  id: string;
  deliveries: number;
  /** Milliseconds between each delivery and the one before it. */
  delaysMs: number[];
}

export interface RespondRule {
  status: number;
  /** The first this many deliveries of each callback get `status`, after `delayMs`. */
  times: number;
  delayMs: number;
}

/** How many callbacks are remembered: the newest ones. */
export const TRACKED_CALLBACKS = 10_000;

export class RedeliveryTracker {
  private readonly deliveries = new Map<string, { id: string; at: number[] }>();

  constructor(
    private readonly rule: RespondRule,
    private readonly limit = TRACKED_CALLBACKS,
  ) {}

  /** A delivery of callback `key` (shown as `id`) at `now`: the answer it gets. */
  deliver(key: string, id: string, now: number): { status: number; delayMs: number } {
    const seen = this.deliveries.get(key) ?? { id, at: [] };
    const provoked = seen.at.length < this.rule.times;
    seen.at.push(now);
    this.deliveries.delete(key); // re-inserted: the Map's order is the newest-delivered order
    this.deliveries.set(key, seen);
    if (this.deliveries.size > this.limit) this.deliveries.delete(this.deliveries.keys().next().value!);
    return provoked ? { status: this.rule.status, delayMs: this.rule.delayMs } : { status: 200, delayMs: 0 };
  }

  /** Callbacks delivered more than once, with the delays between deliveries. */
  redeliveries(): Redelivery[] {
    return [...this.deliveries.values()]
      .filter((d) => d.at.length > 1)
      .map((d) => ({ id: d.id, deliveries: d.at.length, delaysMs: d.at.slice(1).map((t, i) => t - d.at[i]!) }));
  }
}

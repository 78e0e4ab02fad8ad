import { describe, expect, it } from 'vitest';
import { RedeliveryTracker } from '../../src/core/redelivery-tracker.js';

describe('RedeliveryTracker (listen --respond)', () => {
  it('gives the first N deliveries of each callback the provoked answer, then 200, and measures the delays', () => {
    const tracker = new RedeliveryTracker({ status: 503, times: 2, delayMs: 100 });
    expect(tracker.deliver('after_message:1', '1', 0)).toEqual({ status: 503, delayMs: 100 });
    expect(tracker.deliver('after_message:2', '2', 5)).toEqual({ status: 503, delayMs: 100 });
    expect(tracker.deliver('after_message:1', '1', 10_000)).toEqual({ status: 503, delayMs: 100 });
    expect(tracker.deliver('after_message:1', '1', 40_000)).toEqual({ status: 200, delayMs: 0 });
    expect(tracker.redeliveries()).toEqual([{ id: '1', deliveries: 3, delaysMs: [10_000, 30_000] }]);
  });

  it('remembers only the newest callbacks (bounded memory)', () => {
    const tracker = new RedeliveryTracker({ status: 500, times: 1, delayMs: 0 }, 2);
    tracker.deliver('a', 'a', 0);
    tracker.deliver('b', 'b', 1);
    tracker.deliver('a', 'a', 2); // a is newest again
    tracker.deliver('c', 'c', 3); // b, the oldest, is forgotten
    expect(tracker.deliver('b', 'b', 4)).toEqual({ status: 500, delayMs: 0 }); // a first delivery again
    expect(tracker.redeliveries().map((r) => r.id)).toEqual([]);
  });
});

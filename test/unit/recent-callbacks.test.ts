import { describe, expect, it } from 'vitest';
import { RecentCallbacks } from '../../src/core/recent-callbacks.js';

describe('RecentCallbacks', () => {
  it('flags a callback seen before, keeps only the newest `limit`', () => {
    const recent = new RecentCallbacks(3);
    const seen = ['a', 'b', 'a', 'c', 'd', 'a'].map((id) => recent.check('after_message', id));
    expect(seen).toEqual([false, false, true, false, false, false]); // 'a' fell out when 'd' came
    expect(recent.size).toBe(3);
  });

  it('tells callbacks apart by trigger and by where trigger ends and id begins', () => {
    const recent = new RecentCallbacks(10);
    expect(recent.check('after_message', '1')).toBe(false);
    expect(recent.check('before_message', '1')).toBe(false);
    expect(recent.check('ab', 'c')).toBe(false);
    expect(recent.check('a', 'bc')).toBe(false);
    expect(recent.check('', '')).toBe(false);
    expect(recent.check('after_message', '1')).toBe(true);
  });

  it('remembers a callback that was forgotten and delivered again, even when its old place turns over', () => {
    const recent = new RecentCallbacks(2);
    expect(recent.check('t', 'a')).toBe(false);
    recent.forget('t', 'a'); // its delivery was refused
    expect(recent.size).toBe(0);
    expect(recent.check('t', 'b')).toBe(false);
    expect(recent.check('t', 'a')).toBe(false); // the retry: a first delivery
    expect(recent.check('t', 'a')).toBe(true);
    recent.forget('t', 'zzz'); // never seen: nothing happens
    expect(recent.size).toBe(2);
  });

  it('agrees with a plain model over a long random run (collisions in the table, removals shifting probe runs)', () => {
    // A small limit keeps the table crowded, so removals often move entries of other probe runs.
    const limit = 50;
    const recent = new RecentCallbacks(limit);
    // The model: every first delivery in order, a forgotten one blanked; the newest `limit` are remembered.
    const inserted: (string | null)[] = [];
    const remembered = () => inserted.slice(-limit).filter((id): id is string => id !== null);
    let state = 12345;
    const random = (n: number) => {
      // mulberry32: every bit varies (an LCG's low bits would make `% n` repeat a short cycle).
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    let forgotten = 0;
    for (let step = 0; step < 50_000; step++) {
      const id = String(random(120));
      if (random(20) === 0) {
        recent.forget('t', id);
        const at = inserted.lastIndexOf(id);
        if (at !== -1 && at >= inserted.length - limit) {
          inserted[at] = null;
          forgotten++;
        }
      } else {
        const expected = remembered().includes(id);
        expect(recent.check('t', id), `step ${step}, id ${id}`).toBe(expected);
        if (!expected) inserted.push(id);
      }
      expect(recent.size, `step ${step}`).toBe(remembered().length);
    }
    expect(forgotten).toBeGreaterThan(500);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new RecentCallbacks(0)).toThrow(/positive integer/);
  });
});

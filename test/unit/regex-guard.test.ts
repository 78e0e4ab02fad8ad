import { describe, expect, it } from 'vitest';
import { RegexGuard, RegexTimeout } from '../../src/testing/regex-guard.js';

describe('RegexGuard', () => {
  it('counts its budget from the start of the match, not the worker’s start-up (tens of ms, more on a loaded machine)', async () => {
    const guard = new RegexGuard(25);
    try {
      expect(await guard.test(/^ok/, 'ok')).toBe(true); // the first call also starts the worker
    } finally {
      await guard.close();
    }
  });

  it('ends a catastrophic match after the budget, and the next check gets a fresh worker', async () => {
    const guard = new RegexGuard(200);
    try {
      await expect(guard.test(/^(a+)+$/, `${'a'.repeat(32)}!`)).rejects.toBeInstanceOf(RegexTimeout);
      expect(await guard.exec(/^(?<word>\w+)$/, 'hello')).toEqual({ ok: true, groups: { word: 'hello' } });
    } finally {
      await guard.close();
    }
  });
});

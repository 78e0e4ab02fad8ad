import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelay } from '../../src/core/retry-policy.js';
import { buildBotMessage } from '../../src/core/message.js';
import { UsageError } from '../../src/errors.js';

const half = () => 0.5;

describe('retryDelay', () => {
  it('honours Retry-After on 429, capped', () => {
    expect(retryDelay({ kind: 'status', status: 429, retryAfter: '2' }, 1, half)).toBe(2000);
    expect(retryDelay({ kind: 'status', status: 429, retryAfter: '3600' }, 1, half)).toBe(MAX_RETRY_AFTER_MS);
  });
  it('backs off on 5xx and network resets, at most 3 tries', () => {
    expect(retryDelay({ kind: 'status', status: 503 }, 1, half)).toBe(500);
    expect(retryDelay({ kind: 'status', status: 500 }, 2, half)).toBe(1000);
    expect(retryDelay({ kind: 'status', status: 503 }, 3, half)).toBeNull();
    expect(retryDelay({ kind: 'network', code: 'ECONNRESET' }, 1, half)).toBe(500);
  });
  it('never retries other 4xx or a refused connection', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) expect(retryDelay({ kind: 'status', status }, 1, half)).toBeNull();
    expect(retryDelay({ kind: 'network', code: 'ECONNREFUSED' }, 1, half)).toBeNull();
    expect(retryDelay({ kind: 'network', code: 'ENOTFOUND' }, 1, half)).toBeNull();
  });
  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', Date.parse('2026-11-25T12:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('buildBotMessage', () => {
  it('builds a text message to a user', () => {
    expect(buildBotMessage({ to: 'alice', text: 'hi', muid: 'm1' })).toEqual({
      receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hi' }, muid: 'm1',
    });
  });
  it('builds a group message with metadata', () => {
    const m = buildBotMessage({ group: 'team', text: 'hi', metadata: '{"a":1}', muid: 'm' });
    expect(m).toMatchObject({ receiver: 'team', receiverType: 'group', data: { text: 'hi', metadata: { a: 1 } } });
  });
  it('builds a custom message', () => {
    const m = buildBotMessage({ to: 'alice', text: '', custom: 'poll', data: '{"q":"?"}', muid: 'm' });
    expect(m).toMatchObject({ category: 'custom', type: 'poll', data: { customData: { q: '?' } } });
  });
  it.each([
    [{ text: 'hi' }, /no receiver/],
    [{ to: 'a', group: 'b', text: 'hi' }, /not both/],
    [{ to: 'a', text: '   ' }, /text is empty/],
    [{ to: 'a', text: 'x', metadata: 'nope' }, /invalid JSON for --metadata/],
    [{ to: 'a', text: 'x', custom: 'poll' }, /needs --data/],
    [{ to: 'a', text: 'x', data: '{}' }, /needs --custom/],
    [{ to: 'a', text: 'x', custom: 'poll', data: '{' }, /invalid JSON for --data/],
  ])('rejects %j', (input, message) => {
    expect(() => buildBotMessage({ muid: 'm', ...input })).toThrow(UsageError);
    expect(() => buildBotMessage({ muid: 'm', ...input })).toThrow(message);
  });
});

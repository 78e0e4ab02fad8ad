import { describe, expect, it } from 'vitest';
import { describeTunnelError, ngrokOpener } from '../../src/adapters/tunnel.js';

describe('the ngrok tunnel adapter', () => {
  it('loads the official SDK with its native binary (installed from the npm package, no download)', async () => {
    const mod = await import('@ngrok/ngrok');
    const ngrok = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
    expect(typeof ngrok.forward).toBe('function');
    expect(typeof (await ngrokOpener())).toBe('function');
  });

  it('keeps the token out of error text, and keeps it to one line', () => {
    expect(describeTunnelError(new Error('bad token tok_123abc\nmore detail'), 'tok_123abc')).toBe('bad token [redacted]');
    expect(describeTunnelError('plain string', '')).toBe('plain string');
  });
});

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { untilStopped } from '../../src/commands/until-stopped.js';

describe('untilStopped', () => {
  it('settles stopped at the first SIGINT or SIGTERM and forced at the second; dispose stops listening', async () => {
    const signals = new EventEmitter();
    const s = untilStopped(signals);
    let forced = false;
    void s.forced.then(() => (forced = true));
    signals.emit('SIGTERM');
    expect(await s.stopped).toBe('SIGTERM');
    await Promise.resolve();
    expect(forced).toBe(false);
    signals.emit('SIGINT');
    expect(await s.forced).toBe('SIGINT');
    s.dispose();
    expect([signals.listenerCount('SIGINT'), signals.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });
});

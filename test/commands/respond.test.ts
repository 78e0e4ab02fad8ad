// listen --respond 503x2 against the emulator's retrying relay: the redeliveries it provokes, with their
// delays, in listen's exit summary (and the records hold what was answered).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { parseRespond } from '../../src/commands/listen.js';
import { parseDelays } from '../../src/commands/emulate.js';
import { CALLBACK, makeDeps, tempHome, writeProfile } from '../helpers/deps.js';
import { startEmulator } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('listen --respond', () => {
  it('answers the first two deliveries 503: the emulator retries, listen reports the redelivery delays', async () => {
    emulator = await startEmulator({ retryDelaysMs: [80, 160] });
    emulator.backend.users.create({ uid: 'helper', name: 'Helper' });
    emulator.backend.bots.create('helper', { enabled: false, groupChatSetting: 'none', useBasicAuth: true, ...CALLBACK });
    const home = tempHome();
    writeProfile(home, emulator.baseUrl);
    const deps = makeDeps({ home });
    const done = main(['--json', 'listen', '--no-tunnel', '--port', '0', '--respond', '503x2'], deps);
    await deps.stdout.until('"ready"');
    expect(deps.stderr.text()).toContain('--respond/--delay: answering 503 to the first 2 deliveries of every callback, on purpose');
    const delivered = new Promise<void>((resolve) => emulator!.on('delivery', (d) => d.state === 'delivered' && resolve()));
    emulator.userSays('alice', { receiver: 'helper', receiverType: 'user' }, 'retry me');
    await delivered;
    const d = emulator.backend.deliveries()[0]!;
    expect(d.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    deps.signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(deps.stderr.text()).toMatch(new RegExp(`data\\.id ${d.messageId}: 3 deliveries, \\+0\\.\\d s, \\+0\\.\\d s`));
    expect(deps.stderr.text()).toMatch(/replay this schedule offline: cometbot emulate --retry-delays [\d.]+s,[\d.]+s/);
    const ready = JSON.parse(deps.stdout.text().split('\n')[0]!);
    const records = readFileSync(ready.captureFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.status, Boolean(r.duplicate)])).toEqual([
      [503, false],
      [503, true],
      [200, true],
    ]);
  });

  it('parses STATUS[xN] and --delay; refuses nonsense', () => {
    expect(parseRespond('503x2', undefined)).toEqual({ status: 503, times: 2, delayMs: 0 });
    expect(parseRespond('429', '3s')).toEqual({ status: 429, times: 1, delayMs: 3000 });
    expect(parseRespond(undefined, '2500ms')).toEqual({ status: 200, times: 1, delayMs: 2500 });
    expect(parseRespond(undefined, undefined)).toBeUndefined();
    expect(() => parseRespond('abc', undefined)).toThrow(/invalid --respond/);
    expect(() => parseRespond('503x0', undefined)).toThrow(/invalid --respond/);
    expect(() => parseRespond('503', 'soon')).toThrow(/invalid --delay/);
  });

  it('emulate --retry-delays takes durations or milliseconds', () => {
    expect(parseDelays('10s,30s')).toEqual([10_000, 30_000]);
    expect(parseDelays('10000,30000')).toEqual([10_000, 30_000]);
    expect(() => parseDelays('10s,later')).toThrow(/invalid --retry-delays/);
  });
});

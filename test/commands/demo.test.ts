// `cometbot demo` in-process: a Ctrl-C mid-demo stops it and leaves nothing behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { makeDeps } from '../helpers/deps.js';

// A private temp folder for this file (os.tmpdir() reads TMPDIR on each call): the demo's home lands here.
let tmp: string;
let previous: string | undefined;
beforeEach(() => {
  previous = process.env.TMPDIR;
  tmp = mkdtempSync(join(previous ?? '/tmp', 'demo-test-'));
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  process.env.TMPDIR = previous;
  rmSync(tmp, { recursive: true, force: true });
});

const demoFolders = () => readdirSync(tmp).filter((f) => f.startsWith('cometbot-demo-'));

describe('cometbot demo (in-process)', () => {
  it('a Ctrl-C mid-demo: exit 130 with one error line, the emulator closed and the demo folder removed', async () => {
    const deps = makeDeps();
    const done = main(['demo'], deps);
    await deps.stdout.until('Start a local CometChat emulator');
    deps.signals.emit('SIGINT');
    expect(await done).toBe(130);
    expect(deps.stderr.text()).toContain('error: demo stopped\nhint: nothing was left behind');
    expect(deps.stdout.text()).not.toContain('Demo complete');
    expect(demoFolders()).toEqual([]);
    expect(deps.signals.listenerCount('SIGINT')).toBe(0);
    const emulatorUrl = /Start a local CometChat emulator\s+(http:\S+)/.exec(deps.stdout.text())![1]!;
    await expect(fetch(`${emulatorUrl}/users`)).rejects.toThrow(); // nothing answers there any more
  });

  it('runs to the end and removes its folder', async () => {
    const deps = makeDeps();
    expect(await main(['demo'], deps)).toBe(0);
    expect(deps.stdout.text()).toContain('Demo complete');
    expect(demoFolders()).toEqual([]);
    expect(deps.signals.listenerCount('SIGINT')).toBe(0);
  });
});

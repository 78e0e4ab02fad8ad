import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import type { Deps } from '../../src/deps.js';
import type { Prompts } from '../../src/adapters/prompts.js';
import type { TunnelOpener } from '../../src/adapters/tunnel.js';
import { input, output, type CapturedStream } from './streams.js';

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'cometbot-test-'));
}

export interface TestDeps extends Deps {
  stdout: CapturedStream;
  stderr: CapturedStream;
  signals: EventEmitter;
  sleeps: number[];
}

/** A scripted prompt seam: answers are taken in order; a missing answer fails the test loudly. */
export function scriptedPrompts(answers: (string | boolean)[]): Prompts & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return answers.shift()!;
  };
  return {
    asked,
    input: async (q) => String(next(q.message)),
    password: async (q) => String(next(q.message)),
    select: async (q) => String(next(q.message)),
    confirm: async (q) => Boolean(next(q.message)),
  };
}

export function makeDeps(options: {
  home?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | null;
  tty?: boolean;
  prompts?: Prompts;
  openTunnel?: TunnelOpener;
} = {}): TestDeps {
  const home = options.home ?? tempHome();
  const tty = options.tty ?? false;
  const sleeps: number[] = [];
  return {
    env: { COMETBOT_HOME: home, HOME: home, NO_COLOR: '1', ...options.env },
    stdin: input(options.stdin ?? null, tty),
    stdout: output(tty),
    stderr: output(tty),
    now: () => new Date('2026-11-25T12:00:00Z'),
    cwd: () => process.cwd(),
    prompts: async () => options.prompts ?? scriptedPrompts([]),
    openTunnel: async () =>
      options.openTunnel ??
      (async () => {
        throw new Error('tunnel not expected in this test');
      }),
    randomBytes: (n) => randomBytes(n),
    signals: new EventEmitter(),
    // Retries do not wait in tests; the waits asked for are kept for assertions.
    sleep: async (ms) => void sleeps.push(ms),
    sleeps,
  };
}

export const CALLBACK = { username: 'cometbotTEST01', password: 'Pw0123456789abcdefPw0123456789ab' };

/** Writes a profile straight to config.json (what init would save), pointing at `apiUrl`. */
export function writeProfile(home: string, apiUrl: string, extra: Record<string, unknown> = {}): void {
  const { writeFileSync, mkdirSync } = require('node:fs') as typeof import('node:fs');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const profile = {
    appId: 'testapp',
    region: 'eu',
    apiKey: 'test-rest-api-key-1234567890',
    apiUrl,
    bot: { uid: 'helper', name: 'Helper', groupChatSetting: 'mentionedMessages' },
    callback: CALLBACK,
    ...extra,
  };
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, profiles: { default: profile } }), { mode: 0o600 });
}

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { runCli, BIN } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';

describe('cometbot demo (spawned)', () => {
  it('runs the whole loop offline, every step checked, exit 0', async () => {
    const r = await runCli(['demo'], { env: { HOME: tempHome() }, timeoutMs: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => /^[✔✖] /.test(l));
    expect(steps.map((l) => l.slice(0, 1))).toEqual(Array(10).fill('✔'));
    expect(r.stdout).toContain('cometbot init: create the bot user');
    expect(r.stdout).toContain('listen captured it before answering 200');
    expect(r.stdout).toContain('export interface CometChatBotCallback');
    expect(r.stdout).toContain('The echo reply from demo-bot arrived in the emulator');
    expect(r.stdout).toMatch(/Demo complete in \d+\.\d s/);
    // The newcomer's next steps: new, dev and test.
    const after = r.stdout.slice(r.stdout.indexOf('Demo complete'));
    expect(after).toMatch(/^ {2}cometbot new /m);
    expect(after).toMatch(/cometbot dev -- /);
    expect(after).toMatch(/^ {2}cometbot test -- /m);
  });

  it('exits non-zero naming the step that failed', async () => {
    // A temporary directory that cannot be created (sysfs is read-only even for root).
    let tmp = '/sys/cometbot-no-tmp';
    if (process.getuid?.() !== 0) {
      const { mkdirSync } = await import('node:fs');
      tmp = `${tempHome()}/ro`;
      mkdirSync(tmp, { mode: 0o500 });
    }
    const r = await runCli(['demo'], { env: { HOME: tempHome(), TMPDIR: tmp }, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✔ Start a local CometChat emulator');
    expect(r.stdout).toContain('✖ cometbot init: create the bot user "demo-bot"');
    expect(r.stderr).toMatch(/^error: demo step 2 failed \(cometbot init: create the bot user "demo-bot" and register the bot\): /m);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('--json prints one event per step', async () => {
    const r = await runCli(['--json', 'demo'], { env: { HOME: tempHome() }, timeoutMs: 20_000 });
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.ok)).toHaveLength(10);
    expect(events.at(-1)).toMatchObject({ done: true });
  });
});

describe('cometbot emulate (spawned, no TTY)', () => {
  it('prints its base URL and env line, serves, relays, logs, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--json', 'emulate', '--port', '0', '--api-key', 'k-123'], { env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1' } });
    let out = '';
    const ready = await new Promise<any>((resolve) => child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve(JSON.parse(line));
    }));
    expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    expect(ready.env).toBe(`COMETBOT_API_URL=${ready.baseUrl} COMETCHAT_API_KEY=k-123`);
    const r = await fetch(`${ready.baseUrl}/users/alice`, { headers: { apikey: 'k-123' } });
    expect(r.status).toBe(200);
    const m = await fetch(`${ready.baseUrl}/messages`, { method: 'POST', headers: { apikey: 'k-123', onBehalfOf: 'alice', 'content-type': 'application/json' }, body: JSON.stringify({ receiver: 'bob', receiverType: 'user', category: 'message', type: 'text', data: { text: 'yo' } }) });
    expect(m.status).toBe(200);
    await new Promise<void>((resolve) => {
      const check = () => out.includes('"event":"message"') && resolve();
      check();
      child.stdout.on('data', check);
    });
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
  });

  it('a bad flag is exit 2', async () => {
    const r = await runCli(['emulate', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: invalid --port "abc"');
  });
});

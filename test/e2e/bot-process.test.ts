// `cometbot test -- COMMAND`: bots that hard-code CometChat's hosts, run unchanged, in Node and Python.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';
import { alive, waitUntil } from '../helpers/processes.js';
import { existsSync } from 'node:fs';

const BOTS = fileURLToPath(new URL('../fixtures/bots/', import.meta.url));
const env = () => ({ HOME: tempHome(), TMPDIR: process.env.TMPDIR });


// Nothing a test started outlives the file, even when a test fails half way. The tests run
// concurrently (each waits on its own processes, and there are many), so this runs once, after all.
const spawned: { children: ChildProcess[]; pids: number[] } = { children: [], pids: [] };
afterAll(async () => {
  for (const child of spawned.children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
  for (const pid of spawned.pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe.concurrent('cometbot test -- COMMAND (spawned)', () => {
  const bots: [string, string[], string][] = [
    ['Node, global fetch, {appId}.api-{region}.cometchat.io', ['node', 'fetch-bot.mjs'], 'fetch: hello'],
    ['Node, https.request (CommonJS)', ['node', 'https-bot.cjs'], 'https: hello'],
    ['Node, the older api-EU.cometchat.io with appId and apiKey headers and a stray space', ['node', 'legacy-bot.mjs'], 'legacy: hello'],
    ['Python, urllib.request only, through the proxy and the run CA', ['python3', 'urllib_bot.py'], 'python: hello'],
  ];
  for (const [name, command, reply] of bots) {
    it(`passes a bot unchanged: ${name}`, async ({ expect }) => {
      const r = await runCli(['test', 'reach.convo.yaml', '--verbose', '--', ...command], { env: env(), cwd: BOTS, timeoutMs: 40_000 });
      expect(r.stdout).toContain(`wild-bot → alice: ${reply}`);
      expect(r.stdout).toMatch(/^1 passed, 0 failed/m);
      expect(r.code).toBe(0);
    });
  }

  it('a Python bot that verifies certificates strictly (VERIFY_X509_STRICT, as Python 3.13 does) passes unchanged', async ({ expect }) => {
    const r = await runCli(['test', 'reach.convo.yaml', '--verbose', '--', 'python3', 'urllib_bot.py'], { env: { ...env(), STRICT: '1' }, cwd: BOTS, timeoutMs: 40_000 });
    expect(r.stdout).toContain('wild-bot → alice: python: hello');
    expect(r.code).toBe(0);
  });

  it('an LLM-style bot reads history unchanged; a call the emulator does not serve fails its case as not emulated', async ({ expect }) => {
    const r = await runCli(['test', 'context.convo.yaml', '--', 'node', 'context-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.stdout).toMatch(/✓ remembers the conversation/);
    expect(r.stdout).toMatch(/✗ asks for usage metrics/);
    expect(r.stdout).toContain('the bot called an operation the emulator does not serve: GET /stats (usage-metrics) is not emulated by cometbot (not a defect of the bot');
    expect(r.stdout).toMatch(/^1 passed, 1 failed/m);
    expect(r.code).toBe(1);
  });

  it('a bot listening on [::1] only is found and called there', async ({ expect }) => {
    const r = await runCli(['test', 'v6.convo.yaml', '--', 'node', 'v6-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.stdout).toMatch(/^1 passed, 0 failed/m);
    expect(r.code).toBe(0);
  });

  it('a bot on a port of its own is told at once which --bot-url to pass', async ({ expect }) => {
    const r = await runCli(['test', 'v6.convo.yaml', '--start-timeout', '30s', '--', 'node', 'fixed-port-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the bot listens on port (\d+), not on \$PORT \(\d+\)\nhint: make it read PORT from the environment, or tell cometbot its port: --bot-url http:\/\/127\.0\.0\.1:\1\//);
  });

  it('a bot that exits mid-run: that case fails saying so once, the rest are not run', async ({ expect }) => {
    const r = await runCli(['test', 'dies.convo.yaml', '--', 'node', 'dies-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✓ first/);
    expect(r.stdout).toMatch(/✗ crashes/);
    expect(r.stdout).not.toMatch(/never runs/);
    expect(r.stdout).toContain('the bot exited (code 7) during the run');
    expect(r.stdout).toMatch(/bot output \(last 1 lines\):\n\s+about to crash\n/);
    expect(r.stdout).toMatch(/^1 passed, 1 failed \(.+\) — the bot exited, 1 not run$/m);
    expect(r.stdout.match(/the bot exited \(code 7\)/g)).toHaveLength(2); // the failure, and the summary line naming it
  });

  it('the same bot with a wrong key fails with CometChat’s error and the bot’s output', async ({ expect }) => {
    const r = await runCli(['test', 'hello.convo.yaml', '--api-key', 'the-right-key', '--', 'node', 'fetch-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('POST https://wildapp.api-eu.cometchat.io/v3/bots/wild-bot/messages → 401 AUTH_ERR_APIKEY_NOT_FOUND (refused)');
    // What the bot printed during the case, and only that: its start-up line came before it. (The
    // line it prints after the 401 reaches it comes a moment later; it is shown when it comes in time.)
    expect(r.stdout).toMatch(/bot output \(last [12] lines\):\n\s+replying to alice\n/);
    expect(r.stdout).not.toContain('fetch bot pid');
  });

  it('a call for another app is refused when the app id is named', async ({ expect }) => {
    const r = await runCli(['test', 'hello.convo.yaml', '--app-id', 'myapp', '--', 'node', 'fetch-bot.mjs'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('401 AUTH_ERR_APIKEY_NOT_FOUND');
  });

  it('a bot that exits at once: exit 1 with its last lines', async ({ expect }) => {
    const r = await runCli(['test', 'hello.convo.yaml', '--', 'node', '-e', 'console.log("no config"); process.exit(3)'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bot │ no config');
    expect(r.stderr).toMatch(/error: the bot exited \(code 3\) before it listened on port \d+/);
  });

  it('a bot that never listens: exit 1 after --start-timeout; a missing command: exit 1 naming it', async ({ expect }) => {
    const r = await runCli(['test', 'hello.convo.yaml', '--start-timeout', '300ms', '--', 'node', '-e', 'setInterval(() => {}, 1000)'], { env: env(), cwd: BOTS });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the bot did not listen on port \d+ within 0 s \(is it using \$PORT\?\)/);
    const missing = await runCli(['test', 'hello.convo.yaml', '--', 'no-such-bot-binary'], { env: env(), cwd: BOTS });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: cannot start "no-such-bot-binary": command not found');
  });

  it('SIGTERM mid-run: exit 130, and nothing the bot started survives (not even a child that ignores SIGTERM)', async ({ expect }) => {
    const child = spawn(process.execPath, [BIN, 'test', 'slow.convo.yaml', '--verbose', '--', 'node', 'family-bot.mjs'], { cwd: BOTS, env: { PATH: process.env.PATH, NO_COLOR: '1', ...env() } });
    spawned.children.push(child);
    let stderr = '';
    const pids = await new Promise<number[]>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /pids (\d+) (\d+)/.exec(stderr);
        if (m && stderr.includes('emulator http')) resolve([Number(m[1]), Number(m[2])]);
      }),
    );
    spawned.pids.push(...pids);
    expect(pids.every(alive)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(pids.map(alive)).toEqual([false, false]);
  });

  it('SIGKILL of cometbot mid-run: its keeper ends the bot, its children and the run folder', async ({ expect }) => {
    const child = spawn(process.execPath, [BIN, 'test', 'slow.convo.yaml', '--verbose', '--', 'node', 'family-bot.mjs'], { cwd: BOTS, env: { PATH: process.env.PATH, NO_COLOR: '1', IGNORE_SIGTERM: '0', ...env() } });
    spawned.children.push(child);
    let stderr = '';
    const [pids, folder] = await new Promise<[number[], string]>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /pids (\d+) (\d+) run-folder (\S+)/.exec(stderr);
        if (m && stderr.includes('emulator http')) resolve([[Number(m[1]), Number(m[2])], m[3]!]);
      }),
    );
    spawned.pids.push(...pids);
    expect([pids.every(alive), existsSync(folder)]).toEqual([true, true]);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL'); // no exit handler of cometbot's runs
    await exited;
    expect(await waitUntil(() => !pids.some(alive) && !existsSync(folder), 20_000)).toBe(true);
  });
});

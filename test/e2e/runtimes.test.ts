// Every common HTTP client reaches the emulator unchanged: echo bots that hard-code CometChat's host,
// one per client, run by `cometbot test -- COMMAND` as a user runs it. A runtime this machine lacks is
// skipped with a message (.ci/run installs Go, Ruby and Python's aiohttp from Debian).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';

const BOTS = fileURLToPath(new URL('../fixtures/bots/', import.meta.url));

function has(command: string, probe: string[] = ['--version']): boolean {
  try {
    execFileSync(command, probe, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Go builds into a cache of its own, in the suite's temp folder (removed with it). */
const GOCACHE = join(tmpdir(), 'cometbot-test-gocache');
mkdirSync(GOCACHE, { recursive: true });

const runtimes: { name: string; command: string[]; reply: string; available: boolean; env?: Record<string, string> }[] = [
  { name: 'Node, the undici package’s own request()', command: ['node', 'undici-bot.mjs'], reply: 'undici: hello', available: true },
  { name: 'Node, got', command: ['node', 'got-bot.mjs'], reply: 'got: hello', available: true },
  { name: 'Node, axios', command: ['node', 'axios-bot.mjs'], reply: 'axios: hello', available: true },
  { name: 'Python, requests', command: ['/usr/bin/python3', 'requests_bot.py'], reply: 'requests: hello', available: has('/usr/bin/python3', ['-c', 'import requests']) },
  { name: 'Java, java.net.http.HttpClient', command: ['java', 'EchoBot.java'], reply: 'java: hello', available: has('java', ['-version']) && has('keytool', ['-help']) },
  { name: 'Python, aiohttp with its defaults (trust_env=False)', command: ['/usr/bin/python3', 'aiohttp_bot.py'], reply: 'aiohttp: hello', available: has('/usr/bin/python3', ['-c', 'import aiohttp']) },
  { name: 'Go, net/http', command: ['go', 'run', 'go_bot.go'], reply: 'go: hello', available: has('go', ['version']), env: { GOCACHE, GOPATH: join(GOCACHE, 'path') } },
  { name: 'Ruby, Net::HTTP', command: ['ruby', 'ruby_bot.rb'], reply: 'ruby: hello', available: has('ruby') },
  { name: 'a shell-style bot calling curl', command: ['python3', 'curl_bot.py'], reply: 'curl: hello', available: has('curl') },
];

describe('a bot whose client bypasses the routing', () => {
  it('is told it never reached the emulator, and what to do for its runtime', async ({ expect }) => {
    const out = await runCli(['test', 'hello.convo.yaml', '--', 'python3', 'urllib_bot.py'], { env: { HOME: tempHome(), TMPDIR: process.env.TMPDIR, BYPASS: '1' }, cwd: BOTS });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/hint: the bot never reached the emulator \(no REST call; its output says: failed: .*\)\. Python: requests, httpx, urllib and aiohttp are routed/);
  });
});

// Concurrent: each case waits on its own processes (a JVM, a Go build), so they overlap well.
describe.concurrent('cometbot test -- COMMAND reaches the emulator from every common client', () => {
  for (const r of runtimes) {
    if (!r.available) console.warn(`skipped: ${r.name} (${r.command[0]} is not installed here)`);
    it.skipIf(!r.available)(`passes a bot unchanged: ${r.name}`, async ({ expect }) => {
      const out = await runCli(['test', 'reach.convo.yaml', '--verbose', '--start-timeout', '60s', '--', ...r.command], { env: { HOME: tempHome(), TMPDIR: process.env.TMPDIR, ...r.env }, cwd: BOTS, timeoutMs: 80_000 });
      expect(out.stdout).toContain(`wild-bot → alice: ${r.reply}`);
      expect(out.stdout).toMatch(/^1 passed, 0 failed/m);
      expect(out.code).toBe(0);
      // What cometbot puts into the bot stays silent: the bot's output is the bot's own.
      expect(out.stderr).not.toMatch(/UNDICI-EHPA|ExperimentalWarning|--trace-warnings/);
    }, 90_000);
  }
});

// `cometbot test --live` as a release check runs it: `cometbot emulate` stands in for the real app, the bot
// is registered there through the public REST API (as one is on CometChat), and every request the runner
// makes goes through a recording front, so the test sees that only public routes were used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { join } from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';
import { freePort } from '../../src/adapters/free-port.js';

const KEY = 'live-key-0123456789';
const APP = { COMETCHAT_APP_ID: 'stagingapp', COMETCHAT_REGION: 'eu', COMETCHAT_API_KEY: KEY };
const CALLBACK = { username: 'cb-user', password: 'cb-password-0123' };

let emulate: ChildProcessWithoutNullStreams;
let bot: ChildProcess;
let apiUrl: string;
let front: Server;
let frontUrl: string;
const seen: string[] = [];
/** Each request the front passes on, as it comes: tests await these. */
const passed = new EventEmitter<{ request: [string] }>();
let dir: string;

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${apiUrl}${path}`, { method, headers: { apikey: KEY, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: any } }));

const live = (args: string[], env: Record<string, string> = {}) => runCli(['test', '--live', ...args], { env: { HOME: tempHome(), COMETBOT_HOME: tempHome(), COMETBOT_API_URL: `${frontUrl}/v3`, ...APP, ...env }, cwd: dir, timeoutMs: 40_000 });

beforeAll(async () => {
  // The app: cometbot emulate, with its own app id and key, as a staging app would have.
  emulate = spawn(process.execPath, [BIN, '--json', 'emulate', '--port', '0', '--app-id', APP.COMETCHAT_APP_ID, '--region', 'eu', '--api-key', KEY], { env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1' } });
  let out = '';
  apiUrl = await new Promise<string>((resolve) =>
    emulate.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve(JSON.parse(line).baseUrl as string);
    }),
  );
  // A recording front: every request the runner makes, then passed on to the app.
  front = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    passed.emit('request', `${req.method} ${req.url}`);
    const target = new URL(req.url!, apiUrl);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  frontUrl = `http://127.0.0.1:${(front.address() as { port: number }).port}`;

  // The bot as deployed: the generated Node bot, talking to the app directly.
  dir = join(tempHome(), 'bot');
  expect((await runCli(['new', dir, '--uid', 'release-bot'])).code).toBe(0);
  const port = await freePort();
  bot = spawn(process.execPath, ['bot.js'], { cwd: dir, env: { PATH: process.env.PATH, PORT: String(port), COMETCHAT_API_URL: apiUrl, COMETCHAT_API_KEY: KEY, COMETCHAT_BOT_UID: 'release-bot', COMETCHAT_CALLBACK_USERNAME: CALLBACK.username, COMETCHAT_CALLBACK_PASSWORD: CALLBACK.password }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => bot.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve()));
  // Registered as on CometChat: a user, then the bot with its webhook and Basic Auth.
  expect((await api('POST', '/users', { uid: 'release-bot', name: 'Release Bot' })).status).toBe(200);
  const made = await api('POST', '/bots', { uid: 'release-bot', webhookURL: `http://127.0.0.1:${port}/`, enabled: true, groupChatSetting: 'mentionedMessages', useBasicAuth: true, ...CALLBACK });
  expect(made.status).toBe(200);
});

afterAll(async () => {
  for (const child of [bot, emulate]) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  front?.close();
});

describe('cometbot test --live (against cometbot emulate standing in for the app)', () => {
  it('runs the suite through the public API: passes, prefixed users, a group per run deleted after, emulator-only cases skipped with the reason', async () => {
    seen.length = 0;
    const r = await live(['--reporter', 'pretty', '--reporter', 'json=report.ndjson']);
    expect(r.stdout).toMatch(/^3 passed, 0 failed, 2 skipped/m);
    expect(r.stdout).toMatch(/^live: stagingapp\/eu$/m);
    expect(r.stdout).toContain('(skipped: emulator only: the redeliver step (line 31)');
    expect(r.stdout).toContain('(skipped: emulator only: the fault step (line 36)');
    expect(r.code).toBe(0);
    const summary = readFileSync(join(dir, 'report.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(summary).toMatchObject({ event: 'summary', passed: 3, skipped: 2, live: 'stagingapp/eu' });

    // Only CometChat's public routes, never the emulator's own.
    expect(seen.length).toBeGreaterThan(0);
    for (const call of seen) expect(call).toMatch(/^(GET|POST|PUT|DELETE) \/v3\/(users|groups|messages|bots)(\/|\?|$)/);
    expect(seen.some((c) => c.includes('_emulator'))).toBe(false);
    expect(seen).toContain('GET /v3/bots/release-bot');
    expect(seen.filter((c) => c.startsWith('POST /v3/messages')).length).toBeGreaterThanOrEqual(4);

    // Users prefixed on the wire and kept; the run's group made, then deleted.
    expect((await api('GET', '/users/cbt-alice')).status).toBe(200);
    expect((await api('GET', '/users/cbt-bob')).status).toBe(200);
    const madeGroup = seen.find((c) => c === 'POST /v3/groups');
    expect(madeGroup).toBeDefined();
    const deleted = seen.filter((c) => /^DELETE \/v3\/groups\/cbt-[a-z0-9]{6}-support$/.test(c));
    expect(deleted).toHaveLength(1);
    const guid = deleted[0]!.split('/').pop()!;
    expect((await api('GET', `/groups/${guid}`)).status).toBe(404);
    expect(r.stderr).toContain(`made group ${guid} for this run`);
    expect(r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY);
  });

  it('a planted failure fails with a diff; --keep keeps the group; --live-prefix names the users', async () => {
    writeFileSync(join(dir, 'tests/planted.convo.yaml'), 'bot: release-bot\ngroups: [{ guid: ops, members: [dave] }]\nusers: [{ uid: dave, name: Dave }]\ntests:\n  - name: planted\n    steps:\n      - user: { text: "status?", group: ops, as: dave, mention: [release-bot] }\n      - bot: { text: "all good", within: 3s }\n');
    seen.length = 0;
    const r = await live(['tests/planted.convo.yaml', '--keep', '--live-prefix', 'qa-']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^0 passed, 1 failed/m);
    expect(r.stdout).toContain('- text: "all good"\n   + text: "echo: status?"');
    expect(r.stdout).toContain('dave → ops (group): <@uid:release-bot> status?');
    expect(r.stdout).toContain('release-bot → ops (group): echo: status?');
    expect((await api('GET', '/users/qa-dave')).status).toBe(200);
    const made = /kept group (qa-[a-z0-9]{6}-ops) \(--keep\)/.exec(r.stderr);
    expect(made, r.stderr).not.toBeNull();
    const group = await api('GET', `/groups/${made![1]}`);
    expect(group.status).toBe(200);
    expect(seen.some((c) => c.startsWith('DELETE'))).toBe(false);
  });

  it("a 429 from the app is retried after its Retry-After", async () => {
    const fault = await fetch(`${apiUrl.replace(/\/v3$/, '')}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults: [{ status: 429, code: 'ERR_TOO_MANY_REQUESTS', retryAfter: 1, times: 1 }] }) });
    expect(fault.status).toBe(200);
    seen.length = 0;
    const r = await live(['tests/bot.convo.yaml', '--grep', 'one-to-one']);
    expect(r.stdout).toMatch(/^1 passed, 0 failed/m);
    expect(r.code).toBe(0);
    expect(seen.slice(0, 2)).toEqual(['GET /v3/bots/release-bot', 'GET /v3/bots/release-bot']);
    expect(r.stderr).toContain('HTTP 429, retrying in 1.0 s');
  });

  it('Ctrl-C mid-run: exit 130, and the group the run made is deleted all the same', async () => {
    writeFileSync(join(dir, 'tests/slow.convo.yaml'), 'bot: release-bot\ngroups: [{ guid: slow, members: [alice] }]\ntests:\n  - name: waits\n    steps:\n      - user: { text: "hi", group: slow, mention: [release-bot] }\n      - wait: 30s\n');
    const child = spawn(process.execPath, [BIN, 'test', '--live', 'tests/slow.convo.yaml'], { cwd: dir, env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', HOME: tempHome(), COMETBOT_HOME: tempHome(), COMETBOT_API_URL: `${frontUrl}/v3`, ...APP } });
    let err = '';
    const made = await new Promise<string>((resolve) => child.stderr.on('data', (d: Buffer) => {
      err += d;
      const m = /made group (cbt-[a-z0-9]{6}-slow) for this run/.exec(err);
      if (m && err.includes('as deployed')) resolve(m[1]!);
    }));
    // Once the user step has been sent, the run is in its wait.
    await new Promise<void>((resolve) => {
      const onRequest = (call: string) => call === 'POST /v3/messages' && (passed.off('request', onRequest), resolve());
      passed.on('request', onRequest);
    });
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(130);
    expect(err).toContain(`deleted group ${made}`);
    expect((await api('GET', `/groups/${made}`)).status).toBe(404);
  });

  it('a disabled bot is refused before any case (exit 1), and nothing is sent', async () => {
    expect((await api('PUT', '/bots/release-bot', { enabled: false })).status).toBe(200);
    try {
      seen.length = 0;
      const r = await live([]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the bot release-bot is disabled in app stagingapp\/eu: CometChat relays nothing to it\nhint: /m);
      expect(r.stdout).toBe('');
      expect(seen.filter((c) => c.startsWith('POST /v3/messages'))).toEqual([]);
    } finally {
      await api('PUT', '/bots/release-bot', { enabled: true });
    }
  });

  it('bad input: no app (exit 2, naming what is missing), a wrong key (exit 1 with CometChat\'s code), flags that do not apply (exit 2)', async () => {
    const none = await runCli(['test', '--live'], { env: { HOME: tempHome(), COMETBOT_HOME: tempHome(), COMETCHAT_APP_ID: 'x' }, cwd: dir });
    expect(none.stderr).toMatch(/^error: --live needs the region \(COMETCHAT_REGION\), the REST API key \(COMETCHAT_API_KEY\)\nhint: /);
    expect(none.code).toBe(2);
    const wrongKey = await live([], { COMETCHAT_API_KEY: 'not-the-key' });
    expect(wrongKey.stderr).toMatch(/^error: AUTH_ERR_APIKEY_NOT_FOUND: .*\nhint: check the REST API key/m);
    expect(wrongKey.stderr).not.toContain('not-the-key');
    expect(wrongKey.code).toBe(1);
    for (const [args, message] of [
      [['--', 'node', 'bot.js'], 'error: --live and -- COMMAND do not go together'],
      [['--bot-url', 'http://127.0.0.1:3000/'], 'error: --bot-url does not apply with --live'],
      [['--live-prefix', 'bad prefix!'], 'error: invalid --live-prefix "bad prefix!"'],
    ] as const) {
      const r = await live([...args]);
      expect(r.stderr.split('\n')[0]).toContain(message);
      expect(r.code).toBe(2);
    }
    const unreachable = await live([], { COMETBOT_API_URL: 'http://127.0.0.1:9/v3' });
    expect(unreachable.stderr.split('\n')[0]).toBe('error: connection refused by 127.0.0.1:9');
    expect(unreachable.code).toBe(1);
    const keepAlone = await runCli(['test', '--keep', '--bot-url', 'http://127.0.0.1:9/'], { env: { HOME: tempHome() }, cwd: dir });
    expect(keepAlone.stderr.split('\n')[0]).toBe('error: --keep is for --live');
    expect(keepAlone.code).toBe(2);
  });

  it("README's release workflow parses and runs the suite offline on a push and --live on a deploy", () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('## Before a release'), readme.indexOf('## Command reference'));
    const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]!) as { jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s] : [])));
    expect(runs.map((s) => s.run!.split(' --reporter')[0])).toEqual(['npx --yes cometbot test', 'npx --yes cometbot test --live']);
    expect(Object.keys(runs[1]!.env!)).toEqual(['COMETCHAT_APP_ID', 'COMETCHAT_REGION', 'COMETCHAT_API_KEY']);
  });
});

// `cometbot test` as a user runs it: the built binary against a real bot process on this machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { BIN, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';
import { freePort } from '../../src/adapters/free-port.js';

const ECHO_BOT = fileURLToPath(new URL('../../examples/echo-bot/bot.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/echo-bot', import.meta.url));
const XSD = readFileSync(fileURLToPath(new URL('../fixtures/junit.xsd', import.meta.url)), 'utf8');

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
  }
});


/** The example echo bot as a user would start it, replying to an emulator on apiPort. */
async function startEchoBot(apiPort: number): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [ECHO_BOT], { env: { PATH: process.env.PATH, PORT: String(port), COMETCHAT_API_URL: `http://127.0.0.1:${apiPort}/v3`, COMETCHAT_API_KEY: 'any-key' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('echo bot on') && resolve());
    child.once('exit', (code) => reject(new Error(`the echo bot exited (${code})`)));
  });
  return `http://127.0.0.1:${port}/`;
}

function writeConvo(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('cometbot test (spawned)', () => {
  it('passes the echo-bot example: exit 0, the pretty report on stdout', async () => {
    const apiPort = await freePort();
    const botUrl = await startEchoBot(apiPort);
    const r = await runCli(['test', EXAMPLE, '--bot-url', botUrl, '--api-port', String(apiPort)], { env: { HOME: tempHome() } });
    expect(r.stderr).toBe(`emulator http://127.0.0.1:${apiPort}/v3 · bot ${botUrl}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ echoes a one-to-one message (\d+ ms|\d+\.\d s)/); // 1.4 s on a loaded machine
    expect(r.stdout).toMatch(/✓ retries a rate-limited reply/);
    expect(r.stdout).toMatch(/^4 passed, 0 failed \(.+\)$/m);
    // One file: its latency line is the run's, printed once.
    const ms = String.raw`(?:\d+ ms|\d+\.\d s)`; // a loaded machine can take over a second
    expect(r.stdout.match(new RegExp(`ack p50 ${ms}, p95 ${ms} · reply p50 .+, p95 .+$`, 'gm'))).toHaveLength(1);
  });

  it('a failing case: exit 1, JUnit and JSON reports written to files, the pretty one still on stdout', async () => {
    const apiPort = await freePort();
    const botUrl = await startEchoBot(apiPort);
    const dir = tempHome();
    writeConvo(dir, 'greet.convo.yaml', 'bot: echo-bot\nwithin: 10s\ntests:\n  - name: greets\n    steps:\n      - user: hi\n      - bot: { text: "Hello alice" }\n  - name: echoes\n    steps:\n      - user: hi\n      - bot: { text: "echo: hi" }\n');
    const r = await runCli(['test', '--bot-url', botUrl, '--api-port', String(apiPort), '--reporter', 'junit=out/report.xml', '--reporter', 'json=out/report.ndjson'], { env: { HOME: tempHome() }, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ greets');
    expect(r.stdout).toContain('greet.convo.yaml:7:9  bot step');
    expect(r.stdout).toContain('- text: "Hello alice"\n   + text: "echo: hi"');
    expect(r.stdout).toMatch(/^1 passed, 1 failed/m);
    const xml = readFileSync(join(dir, 'out/report.xml'), 'utf8');
    expect((await validateXML({ xml: { fileName: 'r.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: XSD } })).valid).toBe(true);
    expect(xml).toContain(`<failure message="the bot's message does not match: text" type="bot">`);
    const events = readFileSync(join(dir, 'out/report.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => [e.event, e.name ?? null, e.status ?? null])).toEqual([
      ['case', 'greets', 'failed'],
      ['case', 'echoes', 'passed'],
      ['summary', null, null],
    ]);
  });

  it('an invalid file: exit 2 before anything runs, one line per problem with file:line:column', async () => {
    const dir = tempHome();
    writeConvo(dir, 'bad.convo.yaml', 'within: soon\ntests:\n  - name: x\n    steps:\n      - bot: { contians: hi }\n      - user: { text: hi, as: zed }\n');
    const r = await runCli(['test', 'bad.convo.yaml', '--bot-url', 'http://127.0.0.1:9/'], { env: { HOME: tempHome() }, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'bad.convo.yaml:1:9: within: "soon" is not a duration (write 250ms, 2s, 1.5s or a number of milliseconds)',
      expect.stringMatching(/^bad\.convo\.yaml:5:16: unknown key "contians" in a bot step \(did you mean "contains"\?\)/),
      expect.stringMatching(/^bad\.convo\.yaml:6:31: unknown user "zed"/),
    ]);
    expect(r.stderr).toContain('error: 3 problems in the conversation files; nothing was run');
  });

  it('usage errors exit 2 with a hint: no bot, no files, an unknown reporter, a bad duration', async () => {
    const dir = tempHome();
    writeConvo(dir, 'ok.convo.yaml', 'tests:\n  - name: x\n    steps: [{ user: hi }]\n');
    const cases: [string[], RegExp][] = [
      [['test'], /^error: no bot to test\nhint: pass the webhook URL of your running bot/],
      [['test', 'nowhere', '--bot-url', 'http://127.0.0.1:9/'], /^error: no such file or folder: nowhere/],
      [['test', 'ok.convo.yaml', '--bot-url', 'http://127.0.0.1:9/', '--reporter', 'xml'], /^error: unknown reporter "xml"\nhint: use pretty, junit, tap or json/],
      [['test', 'ok.convo.yaml', '--bot-url', 'http://127.0.0.1:9/', '--within', 'soon'], /^error: invalid --within "soon"/],
      [['test', 'ok.convo.yaml', '--bot-url', 'http://127.0.0.1:9/', '--grep', 'nomatch'], /^error: no case matches --grep "nomatch"/],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, { env: { HOME: tempHome() }, cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(stderr);
    }
    const empty = tempHome();
    const r = await runCli(['test', '--bot-url', 'http://127.0.0.1:9/'], { env: { HOME: tempHome() }, cwd: empty });
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'error: no conversation files found in the current folder']);
  });

  it('a bot that is not running: exit 1 naming the URL', async () => {
    const dir = tempHome();
    writeConvo(dir, 'ok.convo.yaml', 'tests:\n  - name: x\n    steps: [{ user: hi }]\n');
    const port = await freePort();
    const r = await runCli(['test', '--bot-url', `http://127.0.0.1:${port}/`, '--api-port', '0'], { env: { HOME: tempHome() }, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot reach the bot at http://127.0.0.1:${port}/ (ECONNREFUSED)`);
  });

  it('a taken --api-port: exit 1 naming it', async () => {
    const dir = tempHome();
    writeConvo(dir, 'ok.convo.yaml', 'tests:\n  - name: x\n    steps: [{ user: hi }]\n');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await runCli(['test', '--bot-url', 'http://127.0.0.1:9/', '--api-port', String(port)], { env: { HOME: tempHome() }, cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: --api-port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('SIGTERM mid-run: exit 130, the emulator closed', async () => {
    const apiPort = await freePort();
    const botUrl = await startEchoBot(apiPort);
    const dir = tempHome();
    writeConvo(dir, 'slow.convo.yaml', 'bot: echo-bot\ntests:\n  - name: waits\n    steps:\n      - user: hi\n      - bot: any\n      - wait: 30s\n');
    const child = spawn(process.execPath, [BIN, 'test', '--bot-url', botUrl, '--api-port', String(apiPort)], { cwd: dir, env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: tempHome(), NO_COLOR: '1' } });
    children.push(child);
    // The emulator answers once the run started; then the wait step is under way.
    await new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => d.toString().includes('emulator http') && resolve()));
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/^0 passed, 0 failed \(.+\) — interrupted, 1 not run$/m);
    await expect(fetch(`http://127.0.0.1:${apiPort}/_emulator/health`)).rejects.toThrow();
  });
});

describe('cometbot test report paths (spawned)', () => {
  it('a report path that cannot be written is exit 1 before anything runs; a conversation file is never a report target', async () => {
    const dir = join(tempHome(), 'suite');
    const convo = writeConvo(dir, 'a.convo.yaml', 'bot: b\ntests:\n  - name: x\n    steps:\n      - user: hi\n      - bot: any\n');
    const before = readFileSync(convo, 'utf8');
    const proc = await runCli(['test', convo, '--bot-url', 'http://127.0.0.1:9/', '--reporter', 'junit=/proc/nope/report.xml'], { env: { HOME: tempHome() } });
    expect([proc.code, proc.stderr.split('\n')[0]]).toEqual([1, 'error: cannot write the report /proc/nope/report.xml (ENOENT)']);
    const over = await runCli(['test', convo, '--bot-url', 'http://127.0.0.1:9/', '--reporter', `junit=${convo}`], { env: { HOME: tempHome() } });
    expect([over.code, over.stderr.split('\n')[0]]).toEqual([2, `error: --reporter would write over the conversation file ${convo}`]);
    expect(readFileSync(convo, 'utf8')).toBe(before);
  });
});

describe('cometbot test --list and --shard (spawned)', () => {
  it('lists the cases without starting anything, and deals them into stable slices that cover each case once', async () => {
    const dir = join(tempHome(), 'suite');
    writeConvo(dir, 'b.convo.yaml', 'bot: b\ntests:\n  - name: b1\n    steps:\n      - user: hi\n      - bot: any\n  - name: b2\n    each: { w: [x, y] }\n    steps:\n      - user: "${w}"\n      - bot: any\n');
    writeConvo(dir, 'a.convo.yaml', 'bot: b\ntests:\n  - name: a1\n    steps:\n      - user: hi\n      - bot: any\n');
    const list = await runCli(['test', '--list'], { env: { HOME: tempHome() }, cwd: dir });
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual(['a.convo.yaml:3  a › a1', 'b.convo.yaml:3  b › b1', 'b.convo.yaml:7  b › b2 [w=x]', 'b.convo.yaml:7  b › b2 [w=y]']);
    const shards = await Promise.all([1, 2, 3].map((i) => runCli(['test', '--list', '--shard', `${i}/3`], { env: { HOME: tempHome() }, cwd: dir })));
    const dealt = shards.map((s) => s.stdout.trim().split('\n').filter(Boolean));
    expect(dealt).toEqual([['a.convo.yaml:3  a › a1', 'b.convo.yaml:7  b › b2 [w=y]'], ['b.convo.yaml:3  b › b1'], ['b.convo.yaml:7  b › b2 [w=x]']]);
    const bad = await runCli(['test', '--list', '--shard', '0/3'], { env: { HOME: tempHome() }, cwd: dir });
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'error: invalid --shard "0/3"']);
  });
});

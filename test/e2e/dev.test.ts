// `cometbot dev -- COMMAND` as a developer runs it: save the bot file, the next turn reaches the new code;
// Ctrl-C leaves nothing running.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';
import { alive } from '../helpers/processes.js';
import { DevLoop, isSource, type Watch } from '../../src/bot-process/dev-loop.js';

const BOT = (version: string) => `
import { createServer } from 'node:http';
createServer((req, res) => {
  let b = '';
  req.on('data', (d) => (b += d));
  req.on('end', async () => {
    res.end('ok');
    const cb = JSON.parse(b);
    // A hard-coded CometChat host: dev routes it to its emulator.
    await fetch('https://devapp.api-us.cometchat.io/v3/bots/' + cb.bot + '/messages', { method: 'POST', headers: { apikey: 'any', 'content-type': 'application/json' },
      body: JSON.stringify({ receiver: cb.data.sender, receiverType: 'user', category: 'message', type: 'text', data: { text: '${version}: ' + cb.data.data.text } }) });
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('pid ' + process.pid));
`;

/** A stream's output, read in order: each wait resolves on the first match after the previous match. */
class Reader {
  private text = '';
  private from = 0;
  private waiting?: () => void;
  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (d: Buffer) => {
      this.text += d;
      this.waiting?.();
    });
  }
  async next(pattern: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(this.text.slice(this.from));
      if (m) {
        this.from += m.index + m[0].length;
        return m;
      }
      await new Promise<void>((r) => (this.waiting = r));
    }
  }
}


const say = (apiUrl: string, text: string) =>
  fetch(`${apiUrl}/messages`, { method: 'POST', headers: { apikey: 'any', onBehalfOf: 'alice', 'content-type': 'application/json' }, body: JSON.stringify({ receiver: 'dev-bot', receiverType: 'user', category: 'message', type: 'text', data: { text } }) });

// Whatever happens in a test, nothing it started outlives it: cometbot dev, and the bot's group.
const started: { child?: ChildProcessWithoutNullStreams; botPids: number[] } = { botPids: [] };
afterEach(async () => {
  const { child } = started;
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await gone;
  }
  for (const pid of started.botPids.splice(0)) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  started.child = undefined;
});

describe('cometbot dev (spawned)', () => {
  it('restarts the bot when its file is saved, the next turn reaches the new code, and Ctrl-C ends everything', async () => {
    const dir = tempHome();
    const home = join(dir, '.home'); // a dot-folder: not watched
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'bot.mjs'), BOT('v1'));
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'dev', '--api-port', '0', '--', 'node', 'src/bot.mjs'], { cwd: dir, env: { PATH: process.env.PATH, NO_COLOR: '1', COMETBOT_HOME: home, HOME: home, TMPDIR: process.env.TMPDIR } });
    started.child = child;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const out = new Reader(child.stdout);
    const err = new Reader(child.stderr);
    const [, apiUrl] = await err.next(/a local CometChat at (http:\S+), bot dev-bot/);
    const [, firstPid] = await err.next(/started node src\/bot\.mjs \(pid (\d+)\)/);
    started.botPids.push(Number(firstPid));

    await say(apiUrl!, 'hi');
    expect((await out.next(/↳ dev-bot → alice: (v\d): hi/))[1]).toBe('v1');

    writeFileSync(join(dir, 'src', 'bot.mjs'), BOT('v2'));
    const [, secondPid] = await err.next(/restarted node src\/bot\.mjs \(pid (\d+)\)/);
    started.botPids.push(Number(secondPid));
    expect(alive(Number(firstPid))).toBe(false); // the old group was ended before the new bot started
    await say(apiUrl!, 'again');
    expect((await out.next(/↳ dev-bot → alice: (v\d): again/))[1]).toBe('v2');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(alive(Number(secondPid))).toBe(false);
    await expect(fetch(`${apiUrl}/users`)).rejects.toThrow();
  });

  it('without a command: exit 2 saying how to give one', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['dev'], { env: { HOME: tempHome() } });
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'error: no bot command']);
  });
});

describe('DevLoop (watcher seam)', () => {
  it('debounces changes, ends the old process group before starting the new one, and ignores non-source files', async () => {
    let fire: (path: string) => void = () => undefined;
    let unwatched = false;
    const watch: Watch = async (_paths, onChange) => {
      fire = onChange;
      return async () => {
        unwatched = true;
      };
    };
    const dir = tempHome();
    writeFileSync(join(dir, 'bot.mjs'), "import { createServer } from 'node:http'; createServer((q, s) => s.end()).listen(Number(process.env.PORT), '127.0.0.1');");
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    probe.close();
    const loop = new DevLoop({ bot: { command: process.execPath, args: ['bot.mjs'], env: { PATH: process.env.PATH, PORT: String(port) }, cwd: dir }, port, startTimeoutMs: 5_000, watchPaths: [dir], ignore: () => false, cwd: dir, watch, debounceMs: 30 });
    const starts: { pid: number | undefined; restart: number }[] = [];
    loop.on('started', (s) => starts.push(s));
    const restarting: string[] = [];
    loop.on('restarting', (r) => restarting.push(r.path));
    await loop.start();
    const restarted = new Promise<void>((r) => loop.once('started', () => r()));
    fire(join(dir, 'app.log'));
    fire(join(dir, 'bot.mjs'));
    fire(join(dir, 'bot.mjs')); // one restart for a burst of saves
    await restarted;
    expect(restarting).toEqual(['bot.mjs']);
    expect(starts.map((s) => s.restart)).toEqual([0, 1]);
    expect(alive(starts[0]!.pid!)).toBe(false);
    await loop.close();
    expect(unwatched).toBe(true);
    expect(alive(starts[1]!.pid!)).toBe(false);
  });

  it('knows code from the files a bot writes: data and conversation files do not restart it, --watch-ext adds more', () => {
    expect(['src/bot.ts', 'bot.py', '.env', '.env.local', 'main.go', 'Bot.java', 'bot.mjs'].map((p) => isSource(p))).toEqual([true, true, true, true, true, true, true]);
    expect(['bot.log', 'data.sqlite', 'out.txt', 'upload.png', 'state.json', 'config.yaml', 'chat.convo.yaml', 'settings.toml'].map((p) => isSource(p))).toEqual([false, false, false, false, false, false, false, false]);
    expect([isSource('config.yaml', ['yaml']), isSource('prompts.txt', ['.txt']), isSource('x.convo.yaml', ['yaml'])]).toEqual([true, true, false]);
  });

  it('skips a folder it cannot watch (a symlink loop) with one warning, and still restarts on code changes', async () => {
    const { mkdtempSync, symlinkSync, writeFileSync, mkdirSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cometbot-dev-loop-'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    writeFileSync(join(dir, 'bot.mjs'), '');
    const { DevLoop } = await import('../../src/bot-process/dev-loop.js');
    const { freePort } = await import('../../src/adapters/free-port.js');
    const port = await freePort();
    const loop = new DevLoop({ bot: { command: process.execPath, args: ['-e', `require('node:http').createServer((q, s) => s.end()).listen(${port}, '127.0.0.1')`], env: { PATH: process.env.PATH } }, port, startTimeoutMs: 10_000, watchPaths: [dir], ignore: () => false, cwd: dir, debounceMs: 20 });
    const problems: string[] = [];
    loop.on('watch-problem', ({ message }) => problems.push(message));
    const started = new Promise((r) => loop.once('started', r));
    await loop.start();
    await started;
    const restarted = new Promise((r) => loop.once('restarting', r));
    writeFileSync(join(dir, 'state.json'), '{}'); // data: no restart
    writeFileSync(join(dir, 'bot.mjs'), '// changed');
    expect(await restarted).toEqual({ path: 'bot.mjs' });
    await loop.close();
    rmSync(dir, { recursive: true, force: true });
    expect(problems.length).toBeLessThanOrEqual(1);
  });
});

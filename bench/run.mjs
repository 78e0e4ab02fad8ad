// npm run bench: listen throughput/latency/memory against reference servers, start-up cost,
// schema inference speed, cometbot test against a minimal driver, and the emulator's history reads. Everything runs on 127.0.0.1 and stops by itself.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawLoad } from './raw-load.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin', 'cometbot.js');
const only = process.argv[2];
const quick = process.env.BENCH_QUICK === '1';
const DURATION = quick ? 3 : 8;
const CONNECTIONS = 64;
const results = {};

const CRED = { username: 'cometbotBENCH1', password: 'benchPassword0123456789abcdefghi' };
const AUTH = `Basic ${Buffer.from(`${CRED.username}:${CRED.password}`).toString('base64')}`;
// A realistic ~1.5 KB after_message callback.
const PAYLOAD = JSON.stringify({
  trigger: 'after_message',
  data: {
    id: '[<id>]', conversationId: 'cometchat-uid-1_user_support-bot', sender: 'cometchat-uid-1', receiverType: 'user', receiver: 'support-bot',
    category: 'message', type: 'text',
    data: {
      text: 'Hi! I ordered a pair of running shoes last week (order #48213) and the tracking page has not updated since Monday. Could you check where it is?',
      resource: 'WEB-3_0_11-055bb47a-7b1f-417b-8385-9d31e606da2a-1680119041609',
      metadata: { locale: 'en-GB', page: '/orders/48213' },
      entities: {
        sender: { entity: { uid: 'cometchat-uid-1', name: 'Andrew Joseph', avatar: 'https://data-eu.cometchat.io/assets/images/avatars/cometchat-uid-1.webp', status: 'available', role: 'default', lastActiveAt: 1675773639 }, entityType: 'user' },
        receiver: { entity: { uid: 'support-bot', name: 'Support Bot', avatar: 'https://data-eu.cometchat.io/assets/images/avatars/support-bot.webp', status: 'offline', role: 'default', lastActiveAt: 1680124695, conversationId: 'cometchat-uid-1_user_support-bot' }, entityType: 'user' },
      },
    },
    sentAt: 1680125130, updatedAt: 1680125130,
  },
  appId: '2541abc12de3f', origin: { platform: 'web', language: 'reactjs', resource: 'chat-widget' }, chatAPIVersion: '3.0', region: 'eu', bot: 'support-bot',
});

function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d;
      const m = buf.match(pattern);
      if (m) {
        child.stdout.off('data', onData);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

async function startReference(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
  const child = spawn(process.execPath, [join(root, 'bench', 'servers.mjs'), kind, '0', join(dir, 'log.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [, port] = await waitForLine(child, /ready (\d+)/);
  return { url: `http://127.0.0.1:${port}/`, child, dir };
}

async function startListen() {
  const home = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
  const profile = { appId: 'bench', region: 'eu', apiKey: 'bench-key', apiUrl: 'https://bench.api-eu.cometchat.io/v3', bot: { uid: 'support-bot', name: 'Support Bot', groupChatSetting: 'none' }, callback: CRED };
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, profiles: { default: profile } }), { mode: 0o600 });
  // As a user runs it: summary lines on stdout (drained here, like > /dev/null), banner on stderr.
  const child = spawn(process.execPath, [BIN, 'listen', '--no-tunnel', '--quiet', '--port', '0'], {
    env: { PATH: process.env.PATH, COMETBOT_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  const [, url] = await waitForLine({ stdout: child.stderr, once: child.once.bind(child) }, /local\s+(http:\S+)/);
  child.stderr.resume();
  return { url, child, dir: home };
}

// Every request carries its own data.id, as CometChat's messages do: listen's dedupe memory fills and
// turns over (a bench that repeats one id flatters it). The raw-socket generator builds each request
// from a template cheaply enough that bare node:http reaches its ceiling (its CPU is reported).
const [PAYLOAD_HEAD, PAYLOAD_TAIL] = PAYLOAD.split('[<id>]');
let runSeed = 0;
function rawOptions(url) {
  const { port, pathname } = new URL(url);
  const seed = ++runSeed;
  return { port: Number(port), path: pathname, connections: CONNECTIONS, headers: { Authorization: AUTH, 'Content-Type': 'application/json' }, body: (n) => `${PAYLOAD_HEAD}${seed}-${n}${PAYLOAD_TAIL}` };
}

const rssMb = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const cpuTicks = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);

async function measure(name, start) {
  const server = await start();
  await rawLoad({ ...rawOptions(server.url), durationMs: 2_000 }); // warm-up
  const ticks = cpuTicks(server.child.pid);
  const t = Date.now();
  const r = await rawLoad({ ...rawOptions(server.url), durationMs: DURATION * 1000 });
  const cpu = Math.round(((cpuTicks(server.child.pid) - ticks) * 1000) / (Date.now() - t)); // a tick is 10 ms
  server.child.kill('SIGKILL');
  rmSync(server.dir, { recursive: true, force: true });
  const row = { rps: r.rps, p50: r.p50, p99: r.p99, cpuPercent: cpu, non2xx: r.non2xx, errors: r.errors };
  console.log(`${name.padEnd(38)} ${String(row.rps).padStart(7)} req/s   p50 ${row.p50} ms   p99 ${row.p99} ms   server CPU ${cpu} %${row.non2xx || row.errors ? `   non-2xx ${row.non2xx} errors ${row.errors}` : ''}`);
  return row;
}

async function listenBench() {
  console.log(`\nlisten: ${CONNECTIONS} keep-alive connections, ${Buffer.byteLength(PAYLOAD)} B payload with Basic Auth and a distinct data.id per request, ${DURATION} s per case`);
  // The machine's speed drifts by ±10 % over a minute: the three servers run in turn, three rounds,
  // and each ratio is the median of its rounds' ratios (as the start-up figure is).
  const rounds = [];
  for (let i = 0; i < 3; i++) {
    const bare = await measure('bare node:http (no capture)', () => startReference('bare'));
    const logger = await measure('hand-written logger (appendFileSync)', () => startReference('logger'));
    const listen = await measure('cometbot listen --no-tunnel --quiet', startListen);
    rounds.push({ bare, logger, listen, vsBare: listen.rps / bare.rps, vsLogger: listen.rps / logger.rps });
  }
  const mid = (key) => rounds.map((r) => r[key]).sort((a, b) => a - b)[1];
  const { bare, logger, listen } = rounds.find((r) => r.vsBare === mid('vsBare'));
  results.listen = { bare, logger, listen, vsBare: +mid('vsBare').toFixed(2), vsLogger: +mid('vsLogger').toFixed(2), vsBareRounds: rounds.map((r) => +r.vsBare.toFixed(3)), vsLoggerRounds: rounds.map((r) => +r.vsLogger.toFixed(3)) };
  console.log(`ratio (median of 3 rounds): listen/bare ${results.listen.vsBare} (target ≥ 0.5; rounds ${results.listen.vsBareRounds.join(', ')})   listen/logger ${results.listen.vsLogger} (target ≥ 1.25; rounds ${results.listen.vsLoggerRounds.join(', ')})`);

  // Latency at a fixed, realistic rate; bare node:http under the same rate shows the harness's own tail.
  for (const [name, start] of [['bare node:http', () => startReference('bare')], ['cometbot listen', startListen]]) {
    const fixed = await start();
    await rawLoad({ ...rawOptions(fixed.url), connections: 16, rate: 1000, durationMs: 1_000 });
    const r = await rawLoad({ ...rawOptions(fixed.url), connections: 16, rate: 1000, durationMs: DURATION * 1000 });
    console.log(`${name} at 1,000 req/s: p50 ${r.p50} ms, p99 ${r.p99} ms${name.startsWith('cometbot') ? ' (target ≤ 5 ms)' : ''}, ${r.requests} requests${r.non2xx || r.errors ? `, non-2xx ${r.non2xx}, errors ${r.errors}` : ''}`);
    results.listen[name.startsWith('cometbot') ? 'p99At1000' : 'bareP99At1000'] = r.p99;
    fixed.child.kill('SIGKILL');
    rmSync(fixed.dir, { recursive: true, force: true });
  }

  // Memory after 100k requests, and whether it grows with the count.
  const mem = await startListen();
  const rss = [];
  for (const amount of [50_000, 50_000]) {
    await rawLoad({ ...rawOptions(mem.url), amount });
    rss.push(+rssMb(mem.child.pid).toFixed(1));
  }
  console.log(`listen RSS after 50k: ${rss[0]} MB, after 100k: ${rss[1]} MB (target ≤ 100 MB, not growing)`);
  results.listen.rssMbAfter50k = rss[0];
  results.listen.rssMbAfter100k = rss[1];
  mem.child.kill('SIGKILL');
  rmSync(mem.dir, { recursive: true, force: true });
}

function startupBench() {
  const runs = quick ? 10 : 30;
  const time = (args) => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const node = [];
  const cli = [];
  const testHelp = [];
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '0']));
    cli.push(time([BIN, '--version']));
    testHelp.push(time([BIN, 'test', '--help']));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(cli) / median(node);
  const helpRatio = median(testHelp) / median(node);
  console.log(`\nstart-up: node -e 0 ${median(node).toFixed(1)} ms, cometbot --version ${median(cli).toFixed(1)} ms, ratio ${ratio.toFixed(2)} (target ≤ 1.3); cometbot test --help ${median(testHelp).toFixed(1)} ms, ratio ${helpRatio.toFixed(2)} (target ≤ 1.3)`);
  results.startup = { nodeMs: +median(node).toFixed(1), cliMs: +median(cli).toFixed(1), ratio: +ratio.toFixed(2), testHelpMs: +median(testHelp).toFixed(1), testHelpRatio: +helpRatio.toFixed(2) };
}

async function schemaBench() {
  const { schemaBench: run } = await import('./schema.mjs').catch(() => ({}));
  if (run) results.schema = await run();
}

async function inspector() {
  const { inspectorBench } = await import('./inspector.mjs');
  console.log('');
  results.inspector = await inspectorBench();
}

// Schema first: its RSS figure is this process's, before playwright is loaded.
if (!only || only === 'schema') await schemaBench();
if (!only || only === 'startup') startupBench();
if (!only || only === 'listen') await listenBench();
if (!only || only === 'inspector') await inspector();
if (!only || only === 'test') results.test = await (await import('./test-run.mjs')).testRunBench();
if (!only || only === 'history') results.history = await (await import('./history.mjs')).historyBench();
if (!only || only === 'captures') results.captures = await (await import('./captures.mjs')).capturesBench();
writeFileSync(join(root, 'bench', 'last-results.json'), `${JSON.stringify(results, null, 2)}\n`);

// cometbot test against a Node echo bot: 100 cases × 2 turns, against a minimal script that drives the
// same 200 turns against the same bot (a bare REST stub and sequential callbacks, nothing checked).
// Reports whole-process time for both, the ratio (target ≤ 2×), and cometbot's own cost per turn
// (its per-turn median minus the minimal driver's, target ≤ 3 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin', 'cometbot.js');
const ECHO_BOT = join(root, 'examples', 'echo-bot', 'bot.js');
const CASES = 100;

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startBot(apiPort) {
  const port = await freePort();
  const child = spawn(process.execPath, [ECHO_BOT], { env: { PATH: process.env.PATH, PORT: String(port), COMETCHAT_API_URL: `http://127.0.0.1:${apiPort}/v3`, COMETCHAT_API_KEY: 'bench' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => child.stdout.on('data', (d) => d.toString().includes('echo bot on') && r()));
  return { url: `http://127.0.0.1:${port}/`, child };
}

function run(args, opts) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, out }) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function testRunBench({ rounds = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
  try {
    const cases = Array.from({ length: CASES }, (_, i) => `  - name: case ${i}\n    steps:\n      - user: hello ${i}\n      - bot: { text: "echo: hello ${i}" }\n      - user: again ${i}\n      - bot: { contains: again }\n`).join('');
    writeFileSync(join(dir, 'bench.convo.yaml'), `bot: echo-bot\nwithin: 2s\ntests:\n${cases}`);
    const cometbotMs = [];
    const driverMs = [];
    let turnMs = [];
    let driverTurnMs = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate the two, each against a fresh bot on its own API port.
      const apiPort = await freePort();
      const bot = await startBot(apiPort);
      const r = await run([BIN, 'test', 'bench.convo.yaml', '--bot-url', bot.url, '--api-port', String(apiPort), '--reporter', 'json'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } });
      bot.child.kill();
      cometbotMs.push(r.ms);
      const events = r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'case');
      if (events.some((e) => e.status !== 'passed')) throw new Error('a bench case failed');
      // A turn: the user step (callback sent and answered) plus the bot step (reply observed).
      turnMs = events.flatMap((e) => [e.steps[0].ms + e.steps[1].ms, e.steps[2].ms + e.steps[3].ms]);

      const driverPort = await freePort();
      const bot2 = await startBot(driverPort);
      const d = await run([join(root, 'bench', 'minimal-driver.mjs'), bot2.url, String(driverPort), String(CASES * 2)], { env: { PATH: process.env.PATH } });
      bot2.child.kill();
      driverMs.push(d.ms);
      driverTurnMs = JSON.parse(d.out).turns;
    }
    const result = {
      cases: CASES,
      turns: CASES * 2,
      cometbotMs: Math.round(median(cometbotMs)),
      minimalMs: Math.round(median(driverMs)),
      ratio: +(median(cometbotMs) / median(driverMs)).toFixed(2),
      turnMedianMs: +median(turnMs).toFixed(2),
      minimalTurnMedianMs: +median(driverTurnMs).toFixed(2),
    };
    result.ownCostPerTurnMs = +(result.turnMedianMs - result.minimalTurnMedianMs).toFixed(2);
    // The same from the whole processes: everything cometbot adds (start-up, files, resets, reports) per turn.
    result.wholeRunExtraPerTurnMs = +((result.cometbotMs - result.minimalMs) / result.turns).toFixed(2);
    console.log(
      `\ntest: ${CASES} cases × 2 turns against the Node echo bot: cometbot test ${result.cometbotMs} ms, minimal driver ${result.minimalMs} ms, ratio ${result.ratio} (target ≤ 2)\n` +
        `      per turn: cometbot ${result.turnMedianMs} ms median, minimal ${result.minimalTurnMedianMs} ms → cometbot's own cost ${result.ownCostPerTurnMs} ms (target ≤ 3 ms; step times are whole ms);\n` +
        `      whole runs: ${result.wholeRunExtraPerTurnMs} ms more per turn, start-up and per-case resets included`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await testRunBench();

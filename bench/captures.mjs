// Captures at any size: `captures show last`, `captures list` and `captures show ID` on a 350 MB capture
// file against `cometbot --version` (targets 1.5×, 1.5×, 2×), and the inspector's first answer on that
// file against a 24 MB one (target 1.5×). Whole processes, median of alternating runs.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin', 'cometbot.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A capture file of about `mb` megabytes, as listen writes it: ~1.2 KB records, one run tag. */
async function writeCaptures(dir, tag, mb) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `2026-11-25T12-00-00-000Z-${tag}.jsonl`);
  const out = createWriteStream(file);
  const text = 'x'.repeat(900);
  let bytes = 0;
  let seq = 0;
  while (bytes < mb * 1024 * 1024) {
    seq++;
    const body = { trigger: 'after_message', data: { id: String(seq), sender: `user${seq % 97}`, receiver: 'bot', receiverType: 'user', category: 'message', type: 'text', data: { text: `${seq} ${text}` } }, appId: 'a', region: 'eu', bot: 'bot' };
    const line = `${JSON.stringify({ id: `${tag}-${seq}`, receivedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + seq).toISOString(), method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: { authorization: '[redacted]' }, bytes: 1000, json: true, body })}\n`;
    bytes += line.length;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return { file, records: seq };
}

function time(args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** From `captures inspect` starting to its list API answering with the rows. */
async function inspectFirstRows(home) {
  const t = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, '--json', 'captures', 'inspect', '--inspect-port', '0'], { env: { PATH: process.env.PATH, COMETBOT_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const url = await new Promise((resolve) => child.stdout.on('data', (d) => {
    out += d;
    const m = /"inspectUrl":"([^"]+)"/.exec(out);
    if (m) resolve(m[1]);
  }));
  const rows = await (await fetch(`${url}api/captures`)).json();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  child.kill();
  if (!rows.length) throw new Error('no rows');
  return ms;
}

export async function capturesBench({ runs = 9 } = {}) {
  const big = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
  const small = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
  try {
    const { file, records } = await writeCaptures(join(big, 'captures'), 'bigrun', 350);
    await writeCaptures(join(small, 'captures'), 'smlrun', 24);
    const env = { COMETBOT_HOME: big };
    const middle = `bigrun-${Math.floor(records / 2)}`;
    const t = { version: [], last: [], list: [], id: [], inspectBig: [], inspectSmall: [] };
    for (let i = 0; i < runs; i++) {
      t.version.push(time(['--version'], env));
      t.last.push(time(['captures', 'show', 'last'], env));
      t.list.push(time(['captures', 'list'], env));
      t.id.push(time(['captures', 'show', middle], env));
    }
    for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++) {
      t.inspectSmall.push(await inspectFirstRows(small));
      t.inspectBig.push(await inspectFirstRows(big));
    }
    const v = median(t.version);
    const result = {
      fileMb: +(statSync(file).size / 1024 / 1024).toFixed(0),
      records,
      versionMs: +v.toFixed(1),
      showLast: +(median(t.last) / v).toFixed(2),
      list: +(median(t.list) / v).toFixed(2),
      showId: +(median(t.id) / v).toFixed(2),
      inspectBigMs: Math.round(median(t.inspectBig)),
      inspectSmallMs: Math.round(median(t.inspectSmall)),
    };
    result.inspect = +(result.inspectBigMs / result.inspectSmallMs).toFixed(2);
    console.log(
      `\ncaptures on a ${result.fileMb} MB file (${records} records), vs cometbot --version ${result.versionMs} ms:` +
        ` show last ${result.showLast}× (≤ 1.5), list ${result.list}× (≤ 1.5), show ID ${result.showId}× (≤ 2);` +
        ` inspector first rows ${result.inspectBigMs} ms vs ${result.inspectSmallMs} ms on 24 MB = ${result.inspect}× (≤ 1.5)`,
    );
    return result;
  } finally {
    rmSync(big, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await capturesBench();

// One temp folder for the whole suite: every test's temp files (and every process a test spawns with
// the inherited TMPDIR) land inside it, and it is removed when the run ends — pass, fail, or
// interrupted. An interrupted vitest (Ctrl-C, a CI timeout's SIGTERM, SIGKILL) never runs its teardown,
// so a small sweeper process, as cometbot's own keeper does, cleans up when this one is gone (its stdin
// pipe closes).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// When the run is gone: every process still carrying the suite's TMPDIR (an emulator or a bot a test
// started in beforeAll, whose afterAll never ran) is killed, then the folder removed. Linux shows
// other processes' environments in /proc; elsewhere only the folder is removed.
const SWEEPER = `
const fs = require('node:fs');
const root = process.argv[1];
const marker = Buffer.from('TMPDIR=' + root + '\\0');
const done = () => {
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p) && Number(p) !== process.pid); } catch {}
  for (const pid of pids) {
    try { if (fs.readFileSync('/proc/' + pid + '/environ').includes(marker)) process.kill(Number(pid), 'SIGKILL'); } catch {}
  }
  fs.rmSync(root, { recursive: true, force: true });
  process.exit(0);
};
// A run that ended normally says so first: its teardown has cleaned up, and its workers are its own.
let told = '';
process.stdin.on('data', (d) => { told += d; if (told.includes('ended')) process.exit(0); });
process.stdin.on('end', done); process.stdin.on('close', done); process.stdin.on('error', done);`;

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'cometbot-suite-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  // Its own process group: a Ctrl-C to the run does not reach it before the run is gone.
  const sweeper = spawn(process.execPath, ['-e', SWEEPER, root], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  sweeper.on('error', () => undefined); // no sweeper: only an interrupted run leaves its folder
  sweeper.unref();
  (sweeper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
    sweeper.stdin?.end('ended');
  };
}

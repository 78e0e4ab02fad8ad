// The keeper: a small process that outlives cometbot only to clean up after it. cometbot starts it
// with the bot's process group id and the run's folders, and holds the write end of its stdin. When
// that pipe closes — cometbot finished, crashed, was SIGKILLed or killed for memory — the keeper ends
// the bot's process group (SIGTERM, then SIGKILL after 5 s), removes the folders, and exits. It ignores
// SIGINT and SIGTERM: only the pipe decides. Plain CommonJS, no dependencies: it starts in ~30 ms.
import { rmSync } from 'node:fs';

const [pgidText, ...dirs] = process.argv.slice(2);
const pgid = Number(pgidText);
let finishing = false;

function alive(): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch {
    // already gone
  }
}

async function finish(): Promise<void> {
  if (finishing) return;
  finishing = true;
  if (Number.isInteger(pgid) && pgid > 1 && alive()) {
    signal('SIGTERM');
    const deadline = Date.now() + 5_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive()) signal('SIGKILL');
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => void finish());
process.stdin.on('close', () => void finish());
process.stdin.on('error', () => void finish());
process.stdin.resume();

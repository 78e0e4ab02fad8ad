// Starts the keeper (keeper.cts) for a bot's process group and the run's folders, and holds its pipe:
// whatever way cometbot ends, the pipe closes and the keeper cleans up (DESIGN.md, "Running a bot's
// own process"). release() closes the pipe on a normal exit, once cometbot has cleaned up itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled keeper (tsc turns keeper.cts into keeper.cjs); from the sources, the built copy. */
export const KEEPER = [new URL('./keeper.cjs', import.meta.url), new URL('../../dist/bot-process/keeper.cjs', import.meta.url)].map((u) => fileURLToPath(u)).find((p) => existsSync(p)) ?? fileURLToPath(new URL('./keeper.cjs', import.meta.url));

export class Keeper {
  private constructor(private readonly child: ChildProcess) {}

  /** The keeper of `pgid` and `dirs`: its own session (terminal signals do not reach it), stdin a pipe from us. */
  static start(pgid: number, dirs: string[]): Keeper {
    const child = spawn(process.execPath, [KEEPER, String(pgid), ...dirs], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {} });
    child.on('error', () => undefined); // no keeper is a lesser safety net, not a failure of the run
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return new Keeper(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** cometbot cleaned up itself: the keeper finds nothing left and exits. */
  release(): void {
    this.child.stdin?.end();
  }
}

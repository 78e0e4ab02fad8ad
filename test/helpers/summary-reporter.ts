// Prints one plain closing line ("vitest: N passed, N failed, N skipped") that any CI log reader understands.
import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const walk = (task: Task) => {
      if (task.tasks) return task.tasks.forEach(walk);
      if (task.type !== 'test') return;
      if (task.mode === 'skip' || task.mode === 'todo' || task.result?.state === 'skip') counts.skipped++;
      else if (task.result?.state === 'pass') counts.passed++;
      else counts.failed++;
    };
    files.forEach(walk);
    process.stdout.write(`\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

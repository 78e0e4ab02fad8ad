// A cap on V8's young generation for a long-running server (listen). V8 doubles a busy process's new
// space up to 2 × 16 MB; listen's per-request garbage is short-lived, and 2 × 8 MB serves it at no
// measurable throughput cost while keeping RSS about 16 MB lower (measured under the benchmark).
// --max-semi-space-size is fixed when the process starts, and cometbot is started by a `#!` line that
// cannot carry it portably, so the cap is held through V8's growth factor, which V8 reads each time it
// would grow the new space: after every minor GC, growth is off at the cap and back on below it
// (V8 shrinks the new space of a process that goes quiet, and it must be able to grow again).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const MB = 1024 * 1024;

/** Starts holding the young generation at `semiSpaceMb` per semi-space; returns the stop function. */
export function capYoungGeneration(semiSpaceMb = 8): () => void {
  const cap = 2 * semiSpaceMb * MB;
  let growing = true;
  const observer = new PerformanceObserver(() => {
    const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (!newSpace) return;
    const atCap = newSpace.space_size >= cap;
    if (atCap !== growing) return;
    growing = !atCap;
    setFlagsFromString(`--semi-space-growth-factor=${growing ? 2 : 1}`);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    if (!growing) setFlagsFromString('--semi-space-growth-factor=2');
  };
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A guard against a hang, not a speed check (benchmarks do that): generous, since a loaded 2-core CI
    // machine can take three times as long as an idle one to compile or start a JVM.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what the page shows; its 1 s default is a timing bet under load.
    expect: { poll: { timeout: 30_000 } },
    pool: 'forks',
    // Most files wait on processes, sockets and timers, not on the CPU: twice the cores' worth of forks
    // halves the wall time on 2 cores. Tests await events, so load does not change their verdicts.
    poolOptions: { forks: { maxForks: 4, minForks: 1 } },
    globalSetup: ['./test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    env: { NO_COLOR: '1' },
  },
});

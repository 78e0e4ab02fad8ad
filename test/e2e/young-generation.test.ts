// The young-generation cap changes V8 state for the whole process, so it runs in a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const moduleUrl = new URL('../../dist/adapters/young-generation.js', import.meta.url).href;

/** Allocates like a busy server (short-lived garbage, some of it surviving a scavenge); reports the new space in MB. */
function newSpaceAfterLoad(capSemiSpaceMb: number | null): Promise<{ mb: number; stderr: string }> {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    const { capYoungGeneration } = await import(${JSON.stringify(moduleUrl)});
    const stop = ${capSemiSpaceMb === null ? '() => {}' : `capYoungGeneration(${capSemiSpaceMb})`};
    let keep = [];
    for (let round = 0; round < 1000; round++) {
      for (let i = 0; i < 4000; i++) {
        const o = { a: i, b: 'x' + i, c: [i, i] };
        if (i % 10 === 0) keep.push(o);
        if (keep.length > 20000) keep = [];
      }
      await new Promise((r) => setImmediate(r)); // lets the GC observer run, as a server's event loop does
    }
    stop();
    const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    process.stdout.write(String(size / 1048576));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)) }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ mb: Number(stdout), stderr });
    });
  });
}

describe('capYoungGeneration', () => {
  it('holds the new space near the cap where V8 alone grows it to its maximum', async () => {
    const [uncapped, capped] = await Promise.all([newSpaceAfterLoad(null), newSpaceAfterLoad(2)]);
    expect(uncapped.mb).toBeGreaterThanOrEqual(16);
    // 2 × 2 MB, or one growth step more when two scavenges come before the observer runs.
    expect(capped.mb).toBeLessThanOrEqual(8);
    expect(capped.stderr).toBe(''); // V8 knows the flag: no "unrecognized flag" line
  });
});

// The emulator's walls: outside src/emulator/, code and tests use its domain API (the Emulator's
// methods and `backend`'s domain objects), never its store, its relay or its internals.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

/** What reaches past the domain API: the store, the relay, or a module that is the emulator's own business. */
const REACHES_IN = [/\.backend\.store\b/, /\bemulator!?\.(state|relay|links|router)\b/, /from '[^']*emulator\/(backend\/store|relay|callback-links|http\/[\w-]+|routes\/[\w-]+)\.js'/];

describe('the emulator wing', () => {
  it('nothing outside src/emulator/ reaches into its state, its relay or its HTTP internals', () => {
    const outside = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'test')), ...files(join(ROOT, 'bench'))].filter((f) => !relative(ROOT, f).startsWith('src/emulator/') && !f.endsWith('emulator-walls.test.ts'));
    const offences: string[] = [];
    for (const file of outside) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (REACHES_IN.some((re) => re.test(line))) offences.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it('its largest file is at most a third of the folder', () => {
    const sizes = files(join(ROOT, 'src/emulator')).map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }));
    const total = sizes.reduce((n, s) => n + s.lines, 0);
    const largest = sizes.sort((a, b) => b.lines - a.lines)[0]!;
    expect(largest.lines / total, `${largest.f}: ${largest.lines} of ${total} lines`).toBeLessThanOrEqual(1 / 3);
  });
});

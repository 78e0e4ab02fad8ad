// The house rules, checked: commands stay thin, one place handles Ctrl-C, and no module imports itself
// back through others (the emulator's own walls are checked in emulator-walls.test.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.c?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').length;
/** Code without its comments, near enough for these checks (strings holding // are rare here). */
const code = (path: string) => readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('the house', () => {
  it('src/commands/ is at most 15 % of src/: commands parse, call a wing, and render', () => {
    const all = files(SRC);
    const total = all.reduce((n, f) => n + lines(f), 0);
    const commands = all.filter((f) => relative(SRC, f).startsWith('commands/')).reduce((n, f) => n + lines(f), 0);
    expect(commands / total, `${commands} of ${total} lines`).toBeLessThanOrEqual(0.15);
  });

  it("one file of cometbot's process subscribes to SIGINT (the keeper is a program of its own that ignores signals)", () => {
    const subscribers = files(SRC)
      .filter((f) => !f.endsWith('keeper.cts'))
      .filter((f) => /'SIGINT'/.test(code(f).replace(/\brl\.on\('SIGINT'/g, '')))
      .map((f) => relative(SRC, f));
    expect(subscribers).toEqual(['commands/until-stopped.ts']);
  });

  it('the wings never reach up into src/commands/ (not even for a type): commands use wings, not the other way', () => {
    const upward = files(SRC)
      .filter((f) => !relative(SRC, f).startsWith('commands/') && relative(SRC, f) !== 'main.ts')
      .flatMap((f) => [...code(f).matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => [f, resolve(dirname(f), m[1]!)] as const))
      .filter(([, target]) => relative(SRC, target).startsWith('commands/'))
      .map(([f, target]) => `${relative(SRC, f)} → ${relative(SRC, target)}`);
    expect(upward).toEqual([]);
  });

  it('no import cycle among the modules (value imports; types vanish at run time)', () => {
    const graph = new Map<string, string[]>();
    for (const file of files(SRC)) {
      const deps: string[] = [];
      for (const m of code(file).matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gm)) {
        const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts');
        if (existsSync(target)) deps.push(target);
      }
      graph.set(file, deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(SRC, f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('the fast lane (test/unit, test/commands, test/http) needs no build: none of its files reaches for a built file', () => {
    const ROOT = fileURLToPath(new URL('../../', import.meta.url));
    const lane = ['test/unit', 'test/commands', 'test/http'].flatMap((d) => files(join(ROOT, d)));
    const built = lane.filter((f) => /dist\/|helpers\/cli\.js|bin\/cometbot|from 'cometbot\//.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(built).toEqual([]);
  });
});

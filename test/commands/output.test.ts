import { describe, expect, it } from 'vitest';
import { Output } from '../../src/adapters/output.js';
import { loadChalk } from '../../src/adapters/colors.js';
import { makeDeps } from '../helpers/deps.js';

describe('Output', () => {
  it('clears a running spinner line before any message, so they never share a line', async () => {
    const deps = makeDeps({ tty: true });
    const out = new Output(deps, { json: false, color: false }, await loadChalk());
    await out.spin('Working…', (async () => {
      await Promise.resolve(); // the work reports while the spinner is drawn
      out.success('done a thing');
    })());
    expect(deps.stderr.text()).toBe('\r⠋ Working…\r\x1b[2K✔ done a thing\n\r\x1b[2K');
  });

  it('colours only on a terminal, never with NO_COLOR or --no-color', async () => {
    const Chalk = await loadChalk();
    const tty = makeDeps({ tty: true, env: { NO_COLOR: undefined } });
    expect(new Output(tty, { json: false, color: true }, Chalk).colors.level).toBeGreaterThan(0);
    expect(new Output(tty, { json: false, color: false }, Chalk).colors.level).toBe(0);
    expect(new Output(makeDeps({ tty: true }), { json: false, color: true }, Chalk).colors.level).toBe(0); // NO_COLOR=1
    expect(new Output(makeDeps({ tty: false, env: { NO_COLOR: undefined } }), { json: false, color: true }, Chalk).colors.level).toBe(0);
  });
});

describe('colours off without chalk', async () => {
  const { plainColors } = await import('../../src/adapters/colors.js');
  it('every style, chained or not, returns the text unchanged', () => {
    const c = plainColors();
    expect(c.red('x')).toBe('x');
    expect(c.red.bold('x')).toBe('x');
    expect(c.dim.green.underline('a', 'b')).toBe('a b');
    expect(c.dim(200)).toBe('200'); // as chalk: any value, as text
    expect(c.dim()).toBe('');
    expect(c.level).toBe(0);
  });
});

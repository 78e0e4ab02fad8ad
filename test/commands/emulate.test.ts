import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/main.js';
import { makeDeps } from '../helpers/deps.js';

describe('cometbot emulate chat prompt (TTY seam)', () => {
  it('sends what the developer types as the chosen user, and /quit stops it', async () => {
    const deps = makeDeps({ tty: true });
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void };
    stdin.isTTY = true;
    stdin.setRawMode = () => undefined;
    deps.stdin = stdin;
    const done = main(['emulate', '--port', '0', '--as', 'bob'], deps);
    const waitFor = async (pred: () => boolean) => {
      for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!pred()) throw new Error('stdout: ' + deps.stdout.text() + ' stderr: ' + deps.stderr.text());
    };
    await waitFor(() => deps.stderr.text().includes('Type a message'));
    stdin.write('anyone there?\n');
    await waitFor(() => deps.stderr.text().includes('no one to talk to yet'));
    // A bot registered after the prompt started becomes the default target.
    const base = /a local CometChat at (\S+)/.exec(deps.stderr.text())![1]!;
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, { method, headers: { apikey: 'emulator-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await api('POST', '/users', { uid: 'late-bot', name: 'Late Bot' });
    await api('POST', '/bots', { uid: 'late-bot' });
    stdin.write('hi bot\n');
    await waitFor(() => deps.stdout.text().includes('bob → late-bot: hi bot'));
    stdin.write('/to alice\n');
    stdin.write('hello alice\n');
    await waitFor(() => deps.stdout.text().includes('bob → alice: hello alice'));
    stdin.write('/group team\n');
    stdin.write('hi team\n');
    await waitFor(() => deps.stdout.text().includes('bob → team (group): hi team'));
    stdin.write('/quit\n');
    expect(await done).toBe(0);
    expect(deps.stderr.text()).toContain('emulator stopped: 3 message(s)');
  });
});

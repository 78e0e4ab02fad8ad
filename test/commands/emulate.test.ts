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
    await deps.stderr.until('Type a message');
    stdin.write('anyone there?\n');
    await deps.stderr.until('no one to talk to yet');
    // A bot registered after the prompt started becomes the default target.
    const base = /a local CometChat at (\S+)/.exec(deps.stderr.text())![1]!;
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, { method, headers: { apikey: 'emulator-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await api('POST', '/users', { uid: 'late-bot', name: 'Late Bot' });
    await api('POST', '/bots', { uid: 'late-bot' });
    await deps.stderr.until('bob → late-bot › '); // the prompt shows the new bot without a keypress
    stdin.write('hi bot\n');
    await deps.stdout.until('bob → late-bot: hi bot');
    stdin.write('/to alice\n');
    stdin.write('hello alice\n');
    await deps.stdout.until('bob → alice: hello alice');
    stdin.write('/group team\n');
    stdin.write('hi team\n');
    await deps.stdout.until('bob → team (group): hi team');
    // The bot is not in team: the message is not relayed, and the prompt says why; /join puts it there.
    await deps.stderr.until('not relayed: bot late-bot is not a member of group team');
    stdin.write('/to\n');
    await deps.stderr.until('usage: /to <uid>: talk to a user or bot');
    stdin.write('/to late-bot\n');
    stdin.write('/join team\n');
    await deps.stderr.until('late-bot joined group team');
    stdin.write('/quit\n');
    expect(await done).toBe(0);
    expect(deps.stderr.text()).toContain('emulator stopped: 3 message(s)');
  });
});

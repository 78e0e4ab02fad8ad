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

describe('/save at the chat prompt', () => {
  it('writes the chat as a .convo.yaml that cometbot test passes against the same bot', async () => {
    const { startBot } = await import('../helpers/bots.js');
    const { parseConvo } = await import('../../src/core/convo/parse.js');
    const { TestRun } = await import('../../src/testing/run.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempHome } = await import('../helpers/deps.js');
    const bot = await startBot();
    const deps = makeDeps({ tty: true });
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void };
    stdin.isTTY = true;
    stdin.setRawMode = () => undefined;
    deps.stdin = stdin;
    const done = main(['emulate', '--port', '0'], deps);
    await deps.stderr.until('Type a message');
    const base = /a local CometChat at (\S+)/.exec(deps.stderr.text())![1]!;
    bot.apiUrl = base;
    bot.apiKey = 'emulator-key';
    const api = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { apikey: 'emulator-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await api('/users', { uid: 'echo-bot', name: 'Echo' });
    await api('/bots', { uid: 'echo-bot', webhookURL: bot.url, enabled: true, groupChatSetting: 'allMessages' });
    await deps.stderr.until('alice → echo-bot › ');
    stdin.write('hello there\n');
    await deps.stdout.until('echo-bot → alice: echo: hello there');
    stdin.write('/join team\n');
    stdin.write('/group team\n');
    stdin.write('/as bob\n');
    stdin.write('hi team\n');
    await deps.stdout.until('echo-bot → team (group): echo: hi team');
    const file = join(tempHome(), 'chat.convo.yaml');
    stdin.write(`/save ${file}\n`);
    await deps.stderr.until(`saved 4 step(s) to ${file}`);
    stdin.write('/quit\n');
    expect(await done).toBe(0);

    const parsed = parseConvo(readFileSync(file, 'utf8'), file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.file.tests[0]!.steps.map((s) => s.kind)).toEqual(['user', 'bot', 'user', 'bot']);
    // The same bot's code, restarted (the running one remembers the data.ids it answered).
    await bot.close();
    const again = await startBot();
    const run = new TestRun({ files: [parsed.file], botUrl: again.url, apiPort: 0, credentials: null, app: { appId: 'emulator', region: 'us', apiKey: 'emulator-key', anyApiKey: true } });
    const { apiUrl } = await run.start();
    again.apiUrl = apiUrl;
    const summary = await run.run();
    await run.close();
    await again.close();
    expect(summary).toMatchObject({ passed: 1, failed: 0 });
  });
});

describe('cometbot emulate --operations', () => {
  it('prints the operations served, one per line, and README lists exactly them', async () => {
    const { readFileSync } = await import('node:fs');
    const { Emulator } = await import('../../src/emulator/server.js');
    const { README_END, README_START, operationsMarkdown } = await import('../../src/emulator/operations-table.js');
    const deps = makeDeps();
    expect(await main(['emulate', '--operations'], deps)).toBe(0);
    const lines = deps.stdout.text().trimEnd().split('\n');
    const ops = new Emulator({ seed: false }).operations();
    expect(lines).toHaveLength(ops.length);
    expect(lines[0]).toMatch(/^POST\s+\/users\s+creates-user$/);
    expect(lines).toContainEqual(expect.stringMatching(/^GET\s+\/users\/\{uid\}\/messages\s+user-list-user-messages$/));
    expect(deps.stderr.text()).toContain(`${ops.length} operations; any other operation of CometChat's REST API answers 501 ERR_NOT_EMULATED`);
    const json = makeDeps();
    expect(await main(['--json', 'emulate', '--operations'], json)).toBe(0);
    expect(JSON.parse(json.stdout.text()).operations).toEqual(ops);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme.slice(readme.indexOf(README_START) + README_START.length + 1, readme.indexOf(README_END));
    expect(block, 'README is stale: npm run build && node scripts/readme-operations.mjs').toBe(operationsMarkdown(ops));
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { makeDeps, scriptedPrompts, tempHome } from '../helpers/deps.js';
import { calls, startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator;
afterEach(async () => emulator?.close());

const base = (e: Emulator) => ['init', '--app-id', 'testapp', '--region', 'eu', '--api-url', e.baseUrl];

async function init(args: string[], opts: Parameters<typeof makeDeps>[0] = {}) {
  const deps = makeDeps({ ...opts, env: { COMETCHAT_API_KEY: TEST_KEY, ...opts.env } });
  const code = await main(args, deps);
  return { code, deps, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
}

describe('cometbot init', () => {
  it('creates the user and the bot, saves a 0600 profile, prints JSON', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    const r = await init(['--json', ...base(emulator), '--uid', 'Helper-Bot', '--name', 'Helper'], { home });
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/helper-bot', 'POST /users', 'GET /bots/helper-bot', 'POST /bots']);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ profile: 'default', appId: 'testapp', region: 'eu', bot: { uid: 'helper-bot', name: 'Helper' }, userCreated: true, botConfigured: true });
    expect(json.callback.username).toMatch(/^cometbot[A-Za-z0-9]{6}$/);
    expect(json.callback.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(r.stderr).toContain('lower-cased to "helper-bot"');
    const bot = emulator.backend.bots.find('helper-bot')!;
    expect(bot).toMatchObject({ useBasicAuth: true, username: json.callback.username, password: json.callback.password, groupChatSetting: 'mentionedMessages', enabled: false });
    const file = join(home, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const config = JSON.parse(readFileSync(file, 'utf8'));
    expect(config.profiles.default.bot).toEqual({ uid: 'helper-bot', name: 'Helper', groupChatSetting: 'mentionedMessages' });
    // The secrets are in the 0600 file, never on stderr.
    expect(r.stderr).not.toContain(TEST_KEY);
    expect(r.stderr).not.toContain(json.callback.password);
  });

  it('is idempotent: a second run creates nothing and changes nothing', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    await init([...base(emulator), '--uid', 'bot1'], { home });
    const before = readFileSync(join(home, 'config.json'), 'utf8');
    emulator.requests.length = 0;
    const r = await init(['--json', ...base(emulator), '--uid', 'bot1'], { home });
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/bot1', 'GET /bots/bot1']);
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(before);
    expect(JSON.parse(r.stdout).userCreated).toBe(false);
    expect(r.stderr).toContain('already exists: reusing it');
  });

  it('reuses an existing user and updates a bot whose settings differ', async () => {
    emulator = await startEmulator();
    emulator.backend.bots.create('alice', { enabled: true, groupChatSetting: 'none', useBasicAuth: false });
    const r = await init([...base(emulator), '--uid', 'alice', '--group-setting', 'allMessages'], {});
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/alice', 'GET /bots/alice', 'PUT /bots/alice']);
    expect(emulator.backend.bots.find('alice')).toMatchObject({ groupChatSetting: 'allMessages', useBasicAuth: true, enabled: true });
  });

  it('explains a deactivated user', async () => {
    emulator = await startEmulator();
    emulator.backend.users.remove('bob', false);
    const r = await init([...base(emulator), '--uid', 'bob']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: user bob exists but is deactivated/m);
    expect(r.stderr).toMatch(/^hint: reactivate it .*uidsToActivate/m);
  });

  it('falls back to the dashboard steps when /bots is refused, without failing', async () => {
    emulator = await startEmulator({ botsApi: false });
    const r = await init(['--json', ...base(emulator), '--uid', 'bot2']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).botConfigured).toBe(false);
    expect(r.stderr).toContain('AI Agents → Custom Bots → Add');
    expect(r.stderr).toContain('UID:           bot2');
    // Off a terminal (a log), the password to paste is not printed; --json carries it.
    expect(r.stderr).not.toContain(JSON.parse(r.stdout).callback.password);
    expect(r.stderr).toContain('password (hidden off a terminal');
  });

  it('--no-bot only ensures the user', async () => {
    emulator = await startEmulator();
    const r = await init([...base(emulator), '--uid', 'bot3', '--no-bot']);
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/bot3', 'POST /users']);
  });

  it('retries 429 and 503 during init, then succeeds', async () => {
    emulator = await startEmulator({
      faults: [
        { status: 429, code: 'ERR_TOO_MANY_REQUESTS', retryAfter: 0, times: 1, match: 'GET /users' },
        { status: 503, code: 'ERR_UNAVAILABLE', times: 1, match: 'POST /bots' },
      ],
    });
    const r = await init([...base(emulator), '--uid', 'bot4']);
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/bot4', 'GET /users/bot4', 'POST /users', 'GET /bots/bot4', 'POST /bots', 'POST /bots']);
  });

  it('a wrong API key is exit 1 with the CometChat code, and the key is not printed', async () => {
    emulator = await startEmulator();
    const r = await init([...base(emulator), '--uid', 'bot5'], { env: { COMETCHAT_API_KEY: 'wrong-key-abcdef' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: AUTH_ERR_APIKEY_NOT_FOUND: /m);
    expect(r.stderr).not.toContain('wrong-key-abcdef');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it.each([
    [['--uid', 'bad uid'], /invalid UID/],
    [['--uid', 'x'.repeat(60)], /under 50/],
    [['--uid', 'ok', '--region', 'mars'], /invalid region/],
    [['--uid', 'ok', '--group-setting', 'sometimes'], /invalid group setting/],
    [['--uid', 'ok', '--callback-password', 'short'], /at least 8/],
  ])('bad input %j is exit 2 and sends nothing', async (extra, message) => {
    emulator = await startEmulator();
    const r = await init([...base(emulator), ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(emulator.requests).toEqual([]);
  });

  it('off a TTY, a missing value is a usage error naming the flag, and nothing prompts', async () => {
    emulator = await startEmulator();
    const r = await init(['init', '--app-id', 'testapp', '--region', 'eu', '--api-url', emulator.baseUrl], { tty: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: missing --uid');
    expect(r.stderr).toContain('hint: pass --uid <value>');
    expect(emulator.requests).toEqual([]);
  });

  it('on a TTY, asks for what is missing through the prompt seam', async () => {
    emulator = await startEmulator();
    const prompts = scriptedPrompts(['testapp', 'eu', TEST_KEY, 'tty-bot', 'TTY Bot', 'allMessages']);
    const r = await init(['init', '--api-url', emulator.baseUrl], { tty: true, prompts, env: { COMETCHAT_API_KEY: undefined } });
    expect(r.code).toBe(0);
    expect(prompts.asked).toEqual(['CometChat App ID', 'Region', 'REST API Key (fullAccess, not the Auth Key)', 'Bot UID', 'Bot display name', 'Which group messages reach the bot?']);
    expect(emulator.backend.bots.find('tty-bot')?.groupChatSetting).toBe('allMessages');
  });

  it('--yes on a TTY accepts the defaults and asks only for values without one', async () => {
    emulator = await startEmulator();
    const prompts = scriptedPrompts(['yes-bot']);
    const r = await init(['init', '--app-id', 'testapp', '--api-url', emulator.baseUrl, '--yes'], { tty: true, prompts });
    expect(r.code).toBe(0);
    expect(prompts.asked).toEqual(['Bot UID']);
  });

  it('Ctrl-C at a prompt exits 130', async () => {
    emulator = await startEmulator();
    const prompts = scriptedPrompts([]);
    prompts.input = async () => {
      const { CancelledError } = await import('../../src/errors.js');
      throw new CancelledError();
    };
    const r = await init(['init', '--api-url', emulator.baseUrl], { tty: true, prompts });
    expect(r.code).toBe(130);
  });

  it('a corrupt config is a clear error naming the file, and it is not overwritten', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), '{"profiles": {', { mode: 0o600 });
    const r = await init([...base(emulator), '--uid', 'bot6'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: config file ${join(home, 'config.json')} is not valid JSON`);
    expect(r.stderr).toContain('hint: fix it by hand, or move it aside');
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe('{"profiles": {');
    expect(emulator.requests).toEqual([]);
  });

  it('tightens a config file readable by others, with a warning, and a loose dir', async () => {
    emulator = await startEmulator();
    const home = join(tempHome(), 'cfg');
    mkdirSync(home, { mode: 0o755 });
    await init([...base(emulator), '--uid', 'bot7'], { home });
    chmodSync(join(home, 'config.json'), 0o644);
    chmodSync(home, 0o755);
    const r = await init([...base(emulator), '--uid', 'bot7'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*config\.json was readable by others \(mode 644\); tightened it to 600/);
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
    // A write re-applies the directory mode too.
    await init([...base(emulator), '--uid', 'bot7', '--name', 'Renamed'], { home });
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it('keeps other profiles and writes atomically (no temp files left behind)', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    await init([...base(emulator), '--uid', 'bot8'], { home });
    await init(['--profile', 'second', ...base(emulator), '--uid', 'bot9'], { home });
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(Object.keys(config.profiles)).toEqual(['default', 'second']);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('cometbot init never breaks another listener', () => {
  it('checks that the profile can be saved before any remote change: nothing changes in CometChat', async () => {
    emulator = await startEmulator();
    emulator.backend.users.create({ uid: 'shared', name: 'Shared' });
    emulator.backend.bots.create('shared', { enabled: true, groupChatSetting: 'mentionedMessages', useBasicAuth: true, username: 'otheruser1', password: 'other-home-password-0123456789' });
    // A home that can be read (no config yet) but not written; root ignores permission bits, so use sysfs.
    let home = '/sys/cometbot-no-such-home';
    if (process.getuid?.() !== 0) {
      home = join(tempHome(), 'ro');
      mkdirSync(home, { mode: 0o500 });
    }
    const r = await init([...base(emulator), '--uid', 'shared', '-y'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cannot write .*config\.json \(E\w+\); nothing was changed in CometChat/);
    expect(calls(emulator)).toEqual([]);
    expect(emulator.backend.bots.find('shared')).toMatchObject({ username: 'otheruser1', password: 'other-home-password-0123456789' });
  });

  it('a bot set up from another home keeps its credentials; the profile adopts them', async () => {
    emulator = await startEmulator();
    emulator.backend.users.create({ uid: 'shared', name: 'Shared' });
    emulator.backend.bots.create('shared', { enabled: true, groupChatSetting: 'mentionedMessages', useBasicAuth: true, username: 'otheruser1', password: 'other-home-password-0123456789' });
    const r = await init(['--json', ...base(emulator), '--uid', 'shared', '-y']);
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['GET /users/shared', 'GET /bots/shared']); // no PUT: nothing rotated
    expect(JSON.parse(r.stdout).callback).toEqual({ username: 'otheruser1', password: 'other-home-password-0123456789' });
    expect(r.stderr).toContain('already has Basic Auth: keeping its credentials');
  });

  it('--rotate-credentials makes new ones on purpose', async () => {
    emulator = await startEmulator();
    emulator.backend.users.create({ uid: 'shared', name: 'Shared' });
    emulator.backend.bots.create('shared', { enabled: true, groupChatSetting: 'mentionedMessages', useBasicAuth: true, username: 'otheruser1', password: 'other-home-password-0123456789' });
    const r = await init(['--json', ...base(emulator), '--uid', 'shared', '-y', '--rotate-credentials']);
    expect(r.code).toBe(0);
    const { callback } = JSON.parse(r.stdout);
    expect(callback.password).not.toBe('other-home-password-0123456789');
    expect(emulator.backend.bots.find('shared')).toMatchObject({ username: callback.username, password: callback.password });
  });

  it('a new --uid gets its own name, not the previous bot’s', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    await init([...base(emulator), '--uid', 'first', '--name', 'My First Bot', '-y'], { home });
    const r = await init(['--json', ...base(emulator), '--uid', 'second', '-y'], { home });
    expect(JSON.parse(r.stdout).bot).toEqual({ uid: 'second', name: 'second' });
    expect(emulator.backend.users.find('second')!.name).toBe('second');
  });

  it('a /bots outage (5xx after the retries) fails with exit 1 and "try again", not the dashboard steps', async () => {
    emulator = await startEmulator({ faults: [{ match: '/bots', status: 503, code: 'ERR_UNAVAILABLE', times: 10 }] });
    const r = await init(['--json', ...base(emulator), '--uid', 'b503', '-y']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the /bots API is not answering (ERR_UNAVAILABLE, HTTP 503)');
    expect(r.stderr).not.toContain('Dashboard');
  });

  it('remembers the base URL it was created against (COMETBOT_API_URL), so a new terminal reaches the same API', async () => {
    emulator = await startEmulator();
    const home = tempHome();
    await init(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'remember', '-y'], { home, env: { COMETBOT_API_URL: `${emulator.baseUrl}/` } });
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(config.profiles.default.apiUrl).toBe(emulator.baseUrl);
    const say = makeDeps({ home, env: { COMETCHAT_API_KEY: TEST_KEY } });
    expect(await main(['say', '--to', 'alice', 'hello'], say)).toBe(0);
  });

  it('an empty --uid or --app-id is a usage error, not the profile’s value', async () => {
    for (const flag of ['--uid', '--app-id']) {
      const r = await init(['init', flag, '', '--region', 'eu', '-y']);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `error: ${flag} is empty`]);
    }
  });
});

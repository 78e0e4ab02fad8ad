import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import { tempHome, writeProfile } from '../helpers/deps.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator.close());

describe('the built binary', () => {
  it('init then say, as a new user runs them', async () => {
    const env = { COMETBOT_HOME: tempHome(), COMETBOT_API_URL: emulator.baseUrl, COMETCHAT_API_KEY: TEST_KEY };
    const init = await runCli(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'e2e-bot'], { env });
    expect(init.stderr).toContain('created user e2e-bot');
    expect(init.code).toBe(0);
    const say = await runCli(['say', '--to', 'alice', 'hi'], { env });
    expect(say.code).toBe(0);
    expect(say.stdout.trim()).toMatch(/^\d+$/);
    expect(emulator.backend.allMessages().at(-1)).toMatchObject({ sender: 'e2e-bot', receiver: 'alice', data: { text: 'hi' } });
    const piped = await runCli(['say', '--to', 'alice', '--json'], { env, stdin: 'piped text\n' });
    expect(JSON.parse(piped.stdout).data.text).toBe('piped text');
    expect(readFileSync(`${env.COMETBOT_HOME}/config.json`, 'utf8')).toContain('"uid": "e2e-bot"');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  it.each(['init', 'say', 'listen', 'captures', 'emulate', 'demo'])('%s --help shows an example', async (cmd) => {
    const r = await runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n\s+\$ .*cometbot /);
  });

  it('an unknown flag is exit 2 with a hint; no stack trace', async () => {
    const r = await runCli(['say', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--nope'/m);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('missing values with no TTY are exit 2 and never prompt', async () => {
    const r = await runCli(['init'], { env: { COMETBOT_HOME: tempHome() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing --app-id/m);
  });

  it('network failure is one line naming the host', async () => {
    const env = { COMETBOT_HOME: tempHome(), COMETCHAT_API_KEY: TEST_KEY, COMETBOT_API_URL: 'http://127.0.0.1:1/v3' };
    const r = await runCli(['init', '--app-id', 'a1', '--region', 'us', '--uid', 'x'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['error: connection refused by 127.0.0.1:1', 'hint: is the server running? check COMETBOT_API_URL / --api-url']);
  });

  it('COMETBOT_DEBUG=1 adds the stack', async () => {
    const env = { COMETBOT_HOME: tempHome(), COMETCHAT_API_KEY: TEST_KEY, COMETBOT_API_URL: 'http://127.0.0.1:1/v3', COMETBOT_DEBUG: '1' };
    const r = await runCli(['init', '--app-id', 'a1', '--region', 'us', '--uid', 'x'], { env });
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('the command line itself', () => {
  it('no command is a usage error (2) with the help on stderr', async () => {
    const r = await runCli([], { env: { HOME: tempHome() } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: cometbot');
  });

  it('a COMETBOT_API_URL that is not a URL is a usage error naming the variable', async () => {
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    const r = await runCli(['say', '--to', 'alice', 'hi'], { env: { COMETBOT_HOME: home, HOME: home, COMETBOT_API_URL: 'garbage' } });
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'error: invalid URL for COMETBOT_API_URL: "garbage"']);
    expect(r.stderr).toContain('hint: set it to a full URL such as http://127.0.0.1:4747/v3, or unset it');
  });

  it('a text starting with "-" gets a hint that says to put it after --', async () => {
    const r = await runCli(['say', '--to', 'alice', '-5 degrees today'], { env: { HOME: tempHome() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hint: a text that starts with "-" goes after --');
  });

  it('a config folder open to others is tightened to 700 when read, with a warning', async () => {
    const { chmodSync, statSync } = await import('node:fs');
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    chmodSync(home, 0o777);
    const r = await runCli(['say', '--to', 'alice', 'hi'], { env: { COMETBOT_HOME: home, HOME: home } });
    expect(r.stderr).toContain('tightened it to 700');
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });
});

// listen never runs half set up: a start-up failure closes what was started and exits 1; a profile
// that would make it fail open is refused.
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempHome, writeProfile } from '../helpers/deps.js';

describe('listen start-up failures (spawned)', () => {
  it('--inspect on a taken port: error, hint, exit 1 — not a callback server left running', async () => {
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['listen', '--no-tunnel', '--no-register', '--port', '0', '--inspect', '--inspect-port', String(port)], { env: { COMETBOT_HOME: home, HOME: home }, timeoutMs: 10_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: inspector port ${port} is already in use`);
      expect(r.stderr).toMatch(/^hint: /m);
      expect(r.stderr).not.toContain('Waiting for requests');
    } finally {
      blocker.close();
    }
  });

  it('a capture file that cannot be written: exit 1 before anything is registered', async () => {
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    mkdirSync(join(home, 'a-folder'));
    const r = await runCli(['listen', '--no-tunnel', '--port', '0', '--capture-file', join(home, 'a-folder')], { env: { COMETBOT_HOME: home, HOME: home }, timeoutMs: 10_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cannot write the capture file .*a-folder \(EISDIR\)/);
  });

  it('a profile without callback credentials is refused, naming the field (never fail-open)', async () => {
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3', { callback: { username: 'u' } });
    const r = await runCli(['listen', '--no-tunnel', '--port', '0'], { env: { COMETBOT_HOME: home, HOME: home }, timeoutMs: 10_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is invalid: callback.password: missing or not a string');
    expect(r.stderr).not.toContain('--no-auth');
  });

  it('a hand-edited region or a profile that is not an object is refused, naming the field', async () => {
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3', { region: 'mars' });
    const r = await runCli(['say', '--to', 'alice', 'hi'], { env: { COMETBOT_HOME: home, HOME: home } });
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([1, expect.stringContaining('is invalid: region: "mars" is not one of us, eu, in')]);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, profiles: { default: 'oops' } }), { mode: 0o600 });
    const s = await runCli(['say', '--to', 'alice', 'hi'], { env: { COMETBOT_HOME: home, HOME: home } });
    expect(s.stderr.split('\n')[0]).toContain('is invalid: not an object');
  });

  it('--profile __proto__ (or constructor, or empty) is a usage error, never Object.prototype', async () => {
    for (const name of ['__proto__', 'constructor', '']) {
      const r = await runCli(['--profile', name, 'listen', '--no-tunnel', '--port', '0'], { env: { HOME: tempHome() }, timeoutMs: 10_000 });
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `error: invalid profile name ${JSON.stringify(name)} (--profile)`]);
    }
    const e = await runCli(['say', '--to', 'a', 'hi'], { env: { HOME: tempHome(), COMETBOT_PROFILE: '__proto__' } });
    expect([e.code, e.stderr.split('\n')[0]]).toEqual([2, 'error: invalid profile name "__proto__" (COMETBOT_PROFILE)']);
  });
});


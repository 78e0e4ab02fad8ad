// The newcomer report's smaller rows, each checked as the user met it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureLine } from '../../src/core/capture.js';
import { makeDeps, scriptedPrompts, tempHome } from '../helpers/deps.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';

function record(id: string, text: string) {
  const body = { trigger: 'after_message', data: { id: text, sender: 'alice', receiver: 'bot', receiverType: 'user', category: 'message', type: 'text', data: { text } } };
  const raw = JSON.stringify(body);
  return captureLine({ id, receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: raw.length, json: true }, { text: raw, parsed: body });
}

describe('captures export (#5, #29)', () => {
  it('writes inside --out whatever the ids say, and never overwrites a fixture when merged files repeat an id', async () => {
    const home = tempHome();
    mkdirSync(join(home, 'captures'));
    writeFileSync(join(home, 'captures', '2026-11-25T12-00-00-000Z-aaaaaa.jsonl'), record('../../pwned-traversal', 'one') + record('dup-1', 'two') + record('dup-1', 'three'));
    const out = join(home, 'out', 'a', 'b');
    const deps = makeDeps({ home });
    expect(await main(['captures', 'export', 'all', '--out', out], deps)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['__.._pwned-traversal.json', 'dup-1-2.json', 'dup-1.json']);
    expect(existsSync(join(home, 'out', 'pwned-traversal.json'))).toBe(false);
  });
});

describe('hints that fit (#25, #27)', () => {
  it('--inspect-port names its own default, --api-port its own', async () => {
    const a = makeDeps();
    expect(await main(['listen', '--inspect-port', 'abc'], a)).toBe(2);
    expect(a.stderr.text()).toContain('hint: e.g. --inspect-port 3979');
    const b = makeDeps();
    expect(await main(['test', '--api-port', 'x', '--bot-url', 'http://127.0.0.1:9/'], b)).toBe(2);
    expect(b.stderr.text()).toContain('hint: e.g. --api-port 4747');
  });

  it('a missing API key off a terminal points at the environment variable, not the flag', async () => {
    const deps = makeDeps();
    expect(await main(['init', '--app-id', 'a', '--region', 'us', '--uid', 'x'], deps)).toBe(2);
    expect(deps.stderr.text()).toContain('hint: set COMETCHAT_API_KEY (better than --api-key');
  });

  it('Ctrl-C at a prompt (exit 130) has a hint line too', async () => {
    const prompts = scriptedPrompts([]);
    prompts.input = async () => {
      const { CancelledError } = await import('../../src/errors.js');
      throw new CancelledError();
    };
    const deps = makeDeps({ tty: true, prompts, env: { COMETCHAT_API_KEY: TEST_KEY } });
    expect(await main(['init'], deps)).toBe(130);
    expect(deps.stderr.text()).toMatch(/^error: cancelled\nhint: nothing more was done/m);
  });

  it('an unknown user in say points at the uid, not at init', async () => {
    const emulator = await startEmulator();
    try {
      const home = tempHome();
      const { writeProfile } = await import('../helpers/deps.js');
      writeProfile(home, emulator.baseUrl);
      emulator.backend.users.create({ uid: 'helper', name: 'Helper' });
      emulator.backend.bots.create('helper', { enabled: true, groupChatSetting: 'none', useBasicAuth: false });
      const deps = makeDeps({ home, env: { COMETCHAT_API_KEY: TEST_KEY } });
      expect(await main(['say', '--to', 'nobody', 'hi'], deps)).toBe(1);
      expect(deps.stderr.text()).toContain('hint: no such user: check the uid');
    } finally {
      await emulator.close();
    }
  });
});

describe('cometbot emulate off loopback, and its refused calls (#33)', () => {
  it('warns when it listens beyond this machine with the default key, and shows the REST calls it refuses', async () => {
    const deps = makeDeps();
    deps.stdin = new PassThrough() as never;
    const done = main(['emulate', '--port', '0', '--host', '0.0.0.0'], deps);
    await deps.stderr.until(/a local CometChat at (\S+)/);
    expect(deps.stderr.text()).toContain('warning: listening on 0.0.0.0: anyone on your network can use this emulator with its default key "emulator-key"');
    const base = /a local CometChat at (\S+)/.exec(deps.stderr.text())![1]!.replace('0.0.0.0', '127.0.0.1');
    await fetch(`${base}/users/alice`, { headers: { apikey: 'wrong' } });
    await deps.stderr.until('GET /v3/users/alice → 401 AUTH_ERR_APIKEY_NOT_FOUND');
    deps.signals.emit('SIGINT');
    expect(await done).toBe(0);
  });
});

describe('a config home on a pseudo file system (#32)', () => {
  it('fails with the real error instead of spinning (a spin would hit the test timeout)', async () => {
    const deps = makeDeps({ home: '/proc/cometbot-no-such-home', env: { COMETCHAT_API_KEY: TEST_KEY } });
    expect(await main(['init', '--app-id', 'a', '--region', 'us', '--uid', 'x', '-y', '--api-url', 'http://127.0.0.1:9/v3'], deps)).toBe(1);
    expect(deps.stderr.text()).toMatch(/error: cannot write \/proc\/cometbot-no-such-home\/config\.json \(\w+\); nothing was changed in CometChat/);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { spawnListen, post, basic, callbackPayload, type Listening } from '../helpers/listen.js';
import { CALLBACK, tempHome, writeProfile } from '../helpers/deps.js';
import { startEmulator } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator;
let running: Listening | undefined;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator.close());
afterEach(async () => {
  await running?.stop('SIGKILL');
  running = undefined;
});

const AUTH = { authorization: basic(CALLBACK.username, CALLBACK.password) };

async function listen(args: string[] = [], env: Record<string, string> = {}, options?: { readStdout?: boolean }) {
  const home = tempHome();
  writeProfile(home, emulator.baseUrl);
  running = await spawnListen(args, { COMETBOT_HOME: home, ...env }, options);
  return { l: running, home };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('cometbot listen (spawned, --no-tunnel --port 0 --json)', () => {
  it('acks an authorised JSON POST only after recording it, and streams NDJSON events', async () => {
    const { l } = await listen();
    expect(l.ready.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(l.ready.publicUrl).toBeNull();
    const body = JSON.stringify(callbackPayload());
    const r = await post(l.ready.localUrl, body, AUTH);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
    // The record is in the file at the moment the 200 arrives.
    const [record] = lines(l.ready.captureFile);
    expect(record).toMatchObject({ method: 'POST', path: '/', status: 200, verdict: 'accepted', json: true, bytes: Buffer.byteLength(body), remoteAddress: '127.0.0.1' });
    expect(record.body).toEqual(JSON.parse(body));
    expect(record.headers.authorization).toBe('[redacted]');
    const event = await l.waitFor((e) => e.event === 'request');
    expect(event).toMatchObject({ id: record.id, verdict: 'accepted', body: JSON.parse(body) });
    expect(l.ready.captureFile).toContain(join('captures', ''));
  });

  it('rejects as DESIGN.md lists, recording metadata only', async () => {
    const { l } = await listen();
    const url = l.ready.localUrl;
    const noAuth = await post(url, '{"secret":"x"}');
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers['www-authenticate']).toBe('Basic realm="cometbot"');
    expect((await post(url, '{}', { authorization: basic(CALLBACK.username, 'wrong-password') })).status).toBe(401);
    for (const malformed of ['Basic', 'Basic !!!notbase64', 'Bearer abc', 'Basic ' + Buffer.from('nocolon').toString('base64'), '']) {
      expect((await post(url, '{}', { authorization: malformed })).status).toBe(401);
    }
    expect((await post(url, '', AUTH, { method: 'GET' })).status).toBe(405);
    expect((await post(`${url}elsewhere`, '{}', AUTH)).status).toBe(404);
    expect((await post(url, Buffer.alloc(1024 * 1024 + 1, 'a'), AUTH)).status).toBe(413);
    const records = lines(l.ready.captureFile);
    expect(records.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 405, 404, 413]);
    for (const r of records) {
      expect(r.verdict).toBe('rejected');
      expect(r).not.toHaveProperty('body');
      expect(r).not.toHaveProperty('rawBody');
    }
    expect(readFileSync(l.ready.captureFile, 'utf8')).not.toContain('secret');
  });

  it('accepts a non-JSON body as rawBody and flags duplicates (same trigger + data.id)', async () => {
    const { l } = await listen();
    expect((await post(l.ready.localUrl, 'plain <b>text</b>', { ...AUTH, 'content-type': 'text/plain' })).status).toBe(200);
    const body = JSON.stringify(callbackPayload({ id: '77' }));
    expect((await post(l.ready.localUrl, body, AUTH)).status).toBe(200);
    expect((await post(l.ready.localUrl, body, AUTH)).status).toBe(200);
    const records = lines(l.ready.captureFile);
    expect(records[0]).toMatchObject({ json: false, rawBody: 'plain <b>text</b>' });
    expect(records[1].duplicate).toBeUndefined();
    expect(records[2].duplicate).toBe(true);
  });

  it('keeps connections alive', async () => {
    const { l } = await listen();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) {
      const r = await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: `k${i}` })), AUTH, { agent });
      expect(r.status).toBe(200);
      expect(r.headers.connection).toBe('keep-alive');
    }
    agent.destroy();
  });

  it('SIGINT stops cleanly: exit 0 and a summary naming the capture file', async () => {
    const { l } = await listen();
    await post(l.ready.localUrl, JSON.stringify(callbackPayload()), AUTH);
    const code = await l.stop('SIGINT');
    expect(code).toBe(0);
    expect(l.stderr()).toMatch(/1 request: 1 accepted, 0 rejected → .*\.jsonl/);
    running = undefined;
  });

  it('never writes a secret to stdout, stderr or the capture file', async () => {
    const { l } = await listen([], { COMETCHAT_API_KEY: 'very-secret-api-key-999' });
    await post(l.ready.localUrl, JSON.stringify(callbackPayload()), AUTH);
    await post(l.ready.localUrl, '{}', { authorization: basic('x', CALLBACK.password + 'typo') });
    await l.stop('SIGTERM');
    const everything = JSON.stringify(l.events) + l.stderr() + readFileSync(l.ready.captureFile, 'utf8');
    for (const secret of [CALLBACK.password, 'very-secret-api-key-999', 'test-rest-api-key-1234567890', AUTH.authorization.slice(6)]) {
      expect(everything).not.toContain(secret);
    }
    running = undefined;
  });

  it('--capture-file appends to the given file', async () => {
    const dir = tempHome();
    const file = join(dir, 'mine.jsonl');
    const { l } = await listen(['--capture-file', file]);
    expect(l.ready.captureFile).toBe(file);
    await post(l.ready.localUrl, JSON.stringify(callbackPayload()), AUTH);
    expect(lines(file)).toHaveLength(1);
  });

  it('--path serves only that path', async () => {
    const { l } = await listen(['--path', '/cometchat']);
    expect(l.ready.localUrl).toMatch(/\/cometchat$/);
    expect((await post(l.ready.localUrl, '{}', AUTH)).status).toBe(200);
    expect((await post(l.ready.localUrl.replace('/cometchat', '/'), '{}', AUTH)).status).toBe(404);
  });

  it('a port in use is a one-line error, exit 1', async () => {
    const { l } = await listen();
    const port = new URL(l.ready.localUrl).port;
    const { runCli } = await import('../helpers/cli.js');
    const home = tempHome();
    writeProfile(home, emulator.baseUrl);
    const r = await runCli(['listen', '--no-tunnel', '--port', port], { env: { COMETBOT_HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
  });
});

describe('listen under faults', () => {
  it('SIGKILL under load: every request that got a 200 is in the capture file', async () => {
    const { l } = await listen(['--quiet']);
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const acked = new Set<string>();
    let n = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const id = `load-${n++}`;
        try {
          const r = await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id })), AUTH, { agent });
          if (r.status === 200) acked.add(id);
        } catch {
          return; // the server died mid-request: not acked
        }
        if (acked.size >= 1500 && !killed) {
          killed = true;
          l.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    agent.destroy();
    await new Promise((r) => l.child.once('exit', r));
    const text = readFileSync(l.ready.captureFile, 'utf8');
    const recorded = new Set(text.split('\n').filter(Boolean).flatMap((line) => {
      try {
        return [JSON.parse(line).body.data.id as string];
      } catch {
        return []; // a torn last line is allowed; it was never acked
      }
    }));
    expect(acked.size).toBeGreaterThanOrEqual(1500);
    const missing = [...acked].filter((id) => !recorded.has(id));
    expect(missing).toEqual([]);
    running = undefined;
  });

  it('a full disk answers 503, never a false ack, and says so loudly', async () => {
    const { l } = await listen(['--capture-file', '/dev/full']);
    const r = await post(l.ready.localUrl, JSON.stringify(callbackPayload()), AUTH);
    expect(r.status).toBe(503);
    expect(l.stderr()).toMatch(/error: cannot write the capture file \/dev\/full \(ENOSPC\): answering 503/);
    expect(l.events.filter((e) => e.event === 'request')).toEqual([]);
  });

  it('a stdout pipe nobody reads does not slow or stop the acks', async () => {
    const { l } = await listen([], {}, { readStdout: false });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const big = JSON.stringify(callbackPayload({ text: 'x'.repeat(1500) }));
    let ok = 0;
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (i < 2000) {
          i++;
          const r = await post(l.ready.localUrl, big.replace('"101"', `"s${i}"`), AUTH, { agent });
          if (r.status === 200) ok++;
        }
      }),
    );
    agent.destroy();
    expect(ok).toBe(2000); // ~7 MB of pretty output against a 64 KB pipe that is never read
    expect(lines(l.ready.captureFile)).toHaveLength(2000);
    // One Ctrl-C still ends it (the stalled output is given up), and it says how much was not shown.
    expect(await l.stop('SIGINT')).toBe(0);
    expect(l.stderr()).toMatch(/\d+ output line\(s\) were not shown: stdout was not keeping up/);
    running = undefined;
  });
});

describe('listen captures dir', () => {
  it('writes one new file per run under COMETBOT_HOME/captures', async () => {
    const { l, home } = await listen();
    await post(l.ready.localUrl, '{}', AUTH);
    await l.stop();
    running = undefined;
    const files = readdirSync(join(home, 'captures'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT.*\.jsonl$/);
  });
});

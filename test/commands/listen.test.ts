// In-process listen tests: the tunnel opener is injected through Deps, the API is the local emulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/main.js';
import type { TunnelOpener, TunnelOptions } from '../../src/adapters/tunnel.js';
import { CALLBACK, makeDeps, tempHome, writeProfile, type TestDeps } from '../helpers/deps.js';
import { startEmulator, calls } from '../helpers/emulator.js';
import { basic, callbackPayload, post } from '../helpers/listen.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator;
let home: string;
const servers: Server[] = [];
beforeEach(async () => {
  emulator = await startEmulator();
  emulator.backend.users.create({ uid: 'helper', name: 'Helper' });
  emulator.backend.bots.create('helper', { enabled: false, groupChatSetting: 'mentionedMessages', useBasicAuth: true, ...CALLBACK });
  emulator.backend.addMembers('team', ['helper']);
  home = tempHome();
  writeProfile(home, emulator.baseUrl);
});
afterEach(async () => {
  await emulator.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

const AUTH = { authorization: basic(CALLBACK.username, CALLBACK.password) };

/** Starts listen in-process with --json; resolves once the ready event is out. */
async function startListen(args: string[], opts: { openTunnel?: TunnelOpener; env?: Record<string, string> } = {}) {
  const deps = makeDeps({ home, openTunnel: opts.openTunnel, env: opts.env });
  const done = main(['--json', 'listen', '--port', '0', ...args], deps);
  const events = () => deps.stdout.text().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  // Awaits listen's NDJSON writes: resolves as soon as an event matching `pred` is out.
  const waitFor = async (pred: (e: any) => boolean, what = 'event') => {
    await deps.stdout.until(() => events().some(pred)).catch(() => {
      throw new Error(`timed out waiting for ${what}; stderr: ${deps.stderr.text()}`);
    });
    return events().find(pred);
  };
  const ready = await Promise.race([waitFor((e) => e.event === 'ready', 'ready'), done.then((code) => Promise.reject(new Error(`listen ended early with ${code}: ${deps.stderr.text()}`)))]);
  return {
    deps,
    ready,
    events,
    waitFor,
    stop: async (d: TestDeps = deps) => {
      d.signals.emit('SIGINT');
      return done;
    },
    done,
  };
}

/** A fake ngrok: the "public URL" is a local pass-through proxy, so the self-test really travels. */
function fakeTunnel(options: { stripAuthorization?: boolean; fail?: string } = {}) {
  const opened: TunnelOptions[] = [];
  let closed = 0;
  const opener: TunnelOpener = async (o) => {
    opened.push(o);
    if (options.fail) throw new Error(options.fail);
    const [host, port] = o.addr.split(':');
    const proxy = createServer((req, res) => {
      const headers = { ...req.headers };
      if (options.stripAuthorization && o.basicAuth) delete headers.authorization;
      const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    servers.push(proxy);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, close: async () => void closed++ };
  };
  return { opener, opened, closed: () => closed };
}

describe('listen: tunnel and webhook registration', () => {
  it('opens the tunnel with edge Basic Auth, the domain and the token, registers the webhook and verifies the URL', async () => {
    const t = fakeTunnel();
    const l = await startListen(['--domain', 'mybot.ngrok.app', '--path', '/hook'], { openTunnel: t.opener, env: { NGROK_AUTHTOKEN: 'tok_from_env_123' } });
    expect(t.opened).toHaveLength(1);
    expect(t.opened[0]).toMatchObject({ authtoken: 'tok_from_env_123', domain: 'mybot.ngrok.app', basicAuth: CALLBACK });
    expect(t.opened[0]!.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(l.ready.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook$/);
    expect(calls(emulator)).toEqual(['PUT /bots/helper']);
    expect(emulator.requests[0]!.body).toEqual({ webhookURL: l.ready.publicUrl, enabled: true });
    expect(emulator.backend.bots.find('helper')).toMatchObject({ webhookURL: l.ready.publicUrl, enabled: true });
    await l.deps.stderr.until('public URL verified');
    // The self-test is answered but never recorded.
    expect(await l.stop()).toBe(0);
    expect(t.closed()).toBe(1);
    expect(l.events().filter((e) => e.event === 'request')).toEqual([]);
  });

  it('uses the profile token when no env token is set; --no-register skips the PUT', async () => {
    writeProfile(home, emulator.baseUrl, { ngrokAuthtoken: 'tok_from_profile' });
    const t = fakeTunnel();
    const l = await startListen(['--no-register'], { openTunnel: t.opener });
    expect(t.opened[0]!.authtoken).toBe('tok_from_profile');
    expect(calls(emulator)).toEqual([]);
    await l.stop();
  });

  it('reopens without edge auth when ngrok does not pass the Authorization header on', async () => {
    const t = fakeTunnel({ stripAuthorization: true });
    const l = await startListen([], { openTunnel: t.opener, env: { NGROK_AUTHTOKEN: 'tok' } });
    await l.waitFor(() => t.opened.length === 2, 'reopen');
    expect(t.opened[0]!.basicAuth).toEqual(CALLBACK);
    expect(t.opened[1]!.basicAuth).toBeUndefined();
    expect(l.deps.stderr.text()).toContain('reopened the tunnel without edge auth');
    await l.waitFor(() => calls(emulator).length === 2, 're-register');
    // Local Basic Auth is still enforced through the new URL.
    const publicUrl = emulator.backend.bots.find('helper')!.webhookURL!;
    expect((await post(publicUrl, '{}')).status).toBe(401);
    expect((await post(publicUrl, '{}', AUTH)).status).toBe(200);
    await l.stop();
  });

  it('a bad token or no network: clear warning, local-only, token never printed', async () => {
    const t = fakeTunnel({ fail: 'authentication failed: The authtoken tok_secret_value is invalid' });
    const l = await startListen([], { openTunnel: t.opener, env: { NGROK_AUTHTOKEN: 'tok_secret_value' } });
    expect(l.ready.publicUrl).toBeNull();
    const err = l.deps.stderr.text();
    expect(err).toContain('warning: could not open the ngrok tunnel: authentication failed');
    expect(err).not.toContain('tok_secret_value');
    // Local-only, and the API is on this machine (the emulator): the local URL becomes the webhook.
    expect(calls(emulator)).toEqual(['PUT /bots/helper']);
    expect(emulator.requests[0]!.body).toEqual({ webhookURL: l.ready.localUrl, enabled: true });
    expect((await post(l.ready.localUrl, '{}', AUTH)).status).toBe(200);
    await l.stop();
  });

  it('without a token: local only with a hint, and the opener is never called', async () => {
    const t = fakeTunnel();
    const l = await startListen([], { openTunnel: t.opener });
    expect(t.opened).toEqual([]);
    expect(l.deps.stderr.text()).toContain('no ngrok authtoken: local only. Add one with cometbot init --ngrok-authtoken');
    await l.stop();
  });

  it('a refused registration is a warning, not a failure; --cleanup disables the bot on exit', async () => {
    emulator.backend.injectFault({ status: 403, code: 'AUTH_ERR_NO_ACCESS', times: 1, match: 'PUT /bots' });
    const t = fakeTunnel();
    const l = await startListen(['--cleanup'], { openTunnel: t.opener, env: { NGROK_AUTHTOKEN: 'tok' } });
    expect(l.deps.stderr.text()).toContain('warning: could not register the webhook (AUTH_ERR_NO_ACCESS');
    expect(await l.stop()).toBe(0);
    expect(calls(emulator)).toEqual(['PUT /bots/helper', 'PUT /bots/helper']);
    expect(emulator.requests[1]!.body).toEqual({ enabled: false });
    expect(emulator.backend.bots.find('helper')!.enabled).toBe(false);
  });
});

describe('listen: forward-to', () => {
  async function target(handler: Parameters<typeof createServer>[1]) {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/bot`;
  }

  it('posts the same body and auth header after the ack, and reports status and ms', async () => {
    const got: { body: string; auth?: string }[] = [];
    const url = await target((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ body, auth: req.headers.authorization });
        res.writeHead(202).end();
      });
    });
    const l = await startListen(['--no-tunnel', '--forward-to', url]);
    const body = JSON.stringify(callbackPayload());
    expect((await post(l.ready.localUrl, body, AUTH)).status).toBe(200);
    const event = await l.waitFor((e) => e.event === 'forward');
    expect(event).toMatchObject({ status: 202 });
    expect(typeof event.ms).toBe('number');
    expect(got).toEqual([{ body, auth: AUTH.authorization }]);
    await l.stop();
  });

  it('a slow target never delays acks; a dead target is reported, and captures are kept', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const slow = await target((_req, res) => void hold.then(() => res.writeHead(200).end()));
    const l = await startListen(['--no-tunnel', '--forward-to', slow]);
    const started = performance.now();
    for (let i = 0; i < 40; i++) expect((await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: `s${i}` })), AUTH)).status).toBe(200);
    // 40 acks while every forward hangs: the acks did not wait for the target.
    expect(performance.now() - started).toBeLessThan(5_000);
    release();
    await l.waitFor((e) => e.event === 'forward' && e.status === 200);
    await l.stop();

    const closedPort = await target(() => undefined);
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const dead = await startListen(['--no-tunnel', '--forward-to', closedPort]);
    expect((await post(dead.ready.localUrl, JSON.stringify(callbackPayload()), AUTH)).status).toBe(200);
    const failed = await dead.waitFor((e) => e.event === 'forward');
    expect(failed).toMatchObject({ status: null, error: 'ECONNREFUSED' });
    await dead.stop();
  });
});

describe('listen: echo', () => {
  it('replies to a user message to the sender, to a group message in the group, never to itself', async () => {
    const l = await startListen(['--no-tunnel', '--echo']);
    await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: 'e1', text: 'hi there' })), AUTH);
    const reply = await l.waitFor((e) => e.event === 'reply');
    expect(reply.messageId).toBe(emulator.backend.allMessages()[0]!.id);
    expect(emulator.backend.allMessages()[0]).toMatchObject({ sender: 'helper', receiver: 'alice', receiverType: 'user', data: expect.objectContaining({ text: 'hi there' }) });

    await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: 'e2', receiver: 'team', receiverType: 'group', text: '<@uid:helper> hello team' })), AUTH);
    await l.waitFor((e) => e.event === 'reply' && e.id !== reply.id);
    expect(emulator.backend.allMessages()[1]).toMatchObject({ receiver: 'team', receiverType: 'group' });

    await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: 'e3', sender: 'helper', receiver: 'alice', text: 'my own' })), AUTH);
    await post(l.ready.localUrl, JSON.stringify(callbackPayload({ id: 'e1', text: 'hi there' })), AUTH); // duplicate
    await l.stop();
    expect(emulator.backend.allMessages()).toHaveLength(2);
  });
});

describe('listen: shutdown and timeouts', () => {
  it('finishes an in-flight request on SIGINT before exiting 0, saying so', async () => {
    const l = await startListen(['--no-tunnel']);
    const url = new URL(l.ready.localUrl);
    const body = JSON.stringify(callbackPayload());
    // Expect: 100-continue makes the server say when it has the request in hand (its 100 is an event).
    const req = request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
    const reply = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((r) => req.once('continue', r));
    l.deps.signals.emit('SIGINT');
    // Said once the server has stopped accepting: the rest of the body arrives during the shutdown.
    await l.deps.stderr.until('finishing 1 request in flight (Ctrl-C again to stop now)');
    req.end(body.slice(10));
    expect(await reply).toBe(200);
    expect(await l.done).toBe(0);
    expect(l.deps.stderr.text()).toMatch(/1 request: 1 accepted/);
  });

  it('a Ctrl-C while the tunnel opens is not lost: listen stops once it is open, closes it and exits 0', async () => {
    const t = fakeTunnel();
    let opening: () => void = () => undefined;
    const asked = new Promise<void>((r) => (opening = r));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const opener: TunnelOpener = async (o) => {
      opening();
      await gate;
      return t.opener(o);
    };
    const deps = makeDeps({ home, openTunnel: opener, env: { NGROK_AUTHTOKEN: 'tok_123' } });
    const done = main(['--json', 'listen', '--port', '0', '--no-register'], deps);
    await asked;
    deps.signals.emit('SIGINT');
    release();
    expect(await done).toBe(0);
    expect(t.closed()).toBe(1);
    expect(deps.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a second Ctrl-C while the tunnel opens leaves at once (130)', async () => {
    let opening: () => void = () => undefined;
    const asked = new Promise<void>((r) => (opening = r));
    const opener: TunnelOpener = () => {
      opening();
      return new Promise(() => undefined); // never opens
    };
    const deps = makeDeps({ home, openTunnel: opener, env: { NGROK_AUTHTOKEN: 'tok_123' } });
    const done = main(['--json', 'listen', '--port', '0', '--no-register'], deps);
    await asked;
    deps.signals.emit('SIGINT');
    deps.signals.emit('SIGINT');
    expect(await done).toBe(130);
    expect(deps.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a second SIGINT forces the exit', async () => {
    const l = await startListen(['--no-tunnel']);
    const url = new URL(l.ready.localUrl);
    const req = request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...AUTH, 'content-length': '100' } });
    req.on('error', () => undefined);
    await new Promise<void>((r) => req.write('{"partial":', () => r()));
    l.deps.signals.emit('SIGINT');
    l.deps.signals.emit('SIGINT');
    expect(await l.done).toBe(130);
    expect(l.deps.stderr.text()).toContain('forced exit');
  });
});

describe('isLoopback', async () => {
  const { isLoopback } = await import('../../src/commands/listen.js');
  it('knows which API hosts can call back into this machine', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['app.api-eu.cometchat.io', '10.0.0.1', '192.168.1.2', '127.example.com']) expect(isLoopback(h)).toBe(false);
  });
});

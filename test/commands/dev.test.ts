// `cometbot dev --tunnel`, in-process with a fake tunnel: the real CometChat's callbacks (here: a POST
// through the "public URL") are forwarded to the bot, which replies to the profile's API unchanged.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import type { TunnelOpener } from '../../src/deps.js';
import { CALLBACK, makeDeps, tempHome, writeProfile } from '../helpers/deps.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await emulator?.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A pass-through "public URL" to listen's local port, as ngrok would give. */
const passThrough: TunnelOpener = async (o) => {
  const [host, port] = o.addr.split(':');
  const proxy = createServer((req, res) => {
    const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  servers.push(proxy);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, close: async () => undefined };
};

const BOT = `
import { createServer } from 'node:http';
createServer((req, res) => {
  let b = '';
  req.on('data', (d) => (b += d));
  req.on('end', async () => {
    const ok = req.headers.authorization === 'Basic ' + Buffer.from(process.env.COMETCHAT_CALLBACK_USERNAME + ':' + process.env.COMETCHAT_CALLBACK_PASSWORD).toString('base64');
    res.writeHead(ok ? 200 : 401).end();
    if (!ok) return;
    const cb = JSON.parse(b);
    await fetch(process.env.COMETCHAT_API_URL + '/bots/' + process.env.COMETCHAT_BOT_UID + '/messages', { method: 'POST', headers: { apikey: process.env.COMETCHAT_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ receiver: cb.data.sender, receiverType: 'user', category: 'message', type: 'text', data: { text: 'tunnel: ' + cb.data.data.text } }) });
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('pid ' + process.pid));
`;

describe('cometbot dev --tunnel (in-process, fake tunnel)', () => {
  it('forwards the callbacks listen receives to the bot, which replies to the profile’s API; Ctrl-C ends it all', async () => {
    emulator = await startEmulator();
    emulator.backend.users.create({ uid: 'helper', name: 'Helper' });
    emulator.backend.bots.create('helper', { enabled: false, groupChatSetting: 'mentionedMessages', useBasicAuth: true, ...CALLBACK });
    const home = tempHome();
    writeProfile(home, emulator.baseUrl);
    const dir = tempHome();
    writeFileSync(join(dir, 'bot.mjs'), BOT);
    const deps = makeDeps({ home, env: { NGROK_AUTHTOKEN: 'test-token', COMETCHAT_API_KEY: TEST_KEY, PATH: process.env.PATH }, openTunnel: passThrough });
    const done = main(['dev', '--tunnel', '--watch', dir, '--', process.execPath, join(dir, 'bot.mjs')], deps);
    await deps.stderr.until(/started .*bot\.mjs \(pid (\d+)\)/);
    await deps.stderr.until(/cometbot dev: CometChat's callbacks for bot helper at http:\/\/127\.0\.0\.1:\d+\/, forwarded to http:\/\/127\.0\.0\.1:\d+\//);
    const pid = Number(/pid (\d+)/.exec(deps.stderr.text())![1]);
    // The webhook was registered with the public URL, as listen does.
    const publicUrl = emulator.backend.bots.find('helper')!.webhookURL!;
    expect(publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const stored = new Promise((r) => emulator!.once('bot-message', r));
    const callback = { trigger: 'after_message', bot: 'helper', data: { id: '9', sender: 'alice', receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hi' } } };
    const r = await fetch(publicUrl, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${CALLBACK.username}:${CALLBACK.password}`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(callback) });
    expect(r.status).toBe(200);
    expect(((await stored) as { message: { data: { text: string } } }).message.data.text).toBe('tunnel: hi');
    // One line per turn: the callback and how the bot answered it.
    await deps.stdout.until(/^alice → helper: hi {2}⇢ 200 in \d+ ms$/m);
    deps.signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

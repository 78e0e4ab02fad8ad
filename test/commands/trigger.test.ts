// cometbot trigger against a local server that records what it got.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { CALLBACK, makeDeps, tempHome, writeProfile } from '../helpers/deps.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function receiver(status = 200): Promise<{ url: string; got: { auth?: string; body: any }[] }> {
  const got: { auth?: string; body: any }[] = [];
  server = createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => {
      got.push({ auth: req.headers.authorization, body: JSON.parse(b) });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

describe('cometbot trigger', () => {
  it('signs with the profile’s callback credentials, applies --set, and sends --times copies of the same payload', async () => {
    const r = await receiver();
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    const deps = makeDeps({ home });
    expect(await main(['trigger', 'mention', '--to', r.url, '--group', 'support', '--set', 'data.data.text=changed', '--set', 'data.id=4242', '--times', '2'], deps)).toBe(0);
    expect(r.got).toHaveLength(2);
    expect(r.got[0]!.auth).toBe(`Basic ${Buffer.from(`${CALLBACK.username}:${CALLBACK.password}`).toString('base64')}`);
    expect(r.got[0]!.body).toMatchObject({ trigger: 'after_message', bot: 'helper', appId: 'testapp', data: { id: 4242, receiver: 'support', receiverType: 'group', data: { text: 'changed', mentions: { helper: expect.anything() } } } });
    expect(r.got[1]!.body).toEqual(r.got[0]!.body);
    expect(deps.stdout.text()).toMatch(/^200 http:\/\/127\.0\.0\.1:\d+\/hook \d+ ms \{"ok":true\}$/m);
  });

  it('--auth and --no-auth, --shape, and --json with the payload', async () => {
    const r = await receiver();
    const a = makeDeps();
    expect(await main(['--json', 'trigger', 'deleted', '--to', r.url, '--auth', 'u1:p:w', '--shape', 'webhook'], a)).toBe(0);
    expect(r.got[0]!.auth).toBe(`Basic ${Buffer.from('u1:p:w').toString('base64')}`);
    const out = JSON.parse(a.stdout.text());
    expect(out).toMatchObject({ status: 200, body: '{"ok":true}', payload: { trigger: 'message_deleted', data: { message: { category: 'action', data: { action: 'deleted' } } } } });
    const b = makeDeps();
    expect(await main(['trigger', '--to', r.url, '--no-auth'], b)).toBe(0);
    expect(r.got[1]!.auth).toBeUndefined();
  });

  it('exit 1 on a non-2xx answer or no answer; exit 2 on a bad kind, shape, --set or --times', async () => {
    const r = await receiver(500);
    const a = makeDeps();
    expect(await main(['trigger', '--to', r.url, '--no-auth'], a)).toBe(1);
    expect(a.stderr.text()).toContain('error: 1 of 1 delivery not answered 2xx');
    for (const args of [['trigger', 'poke'], ['trigger', '--shape', 'x'], ['trigger', '--set', 'nonsense'], ['trigger', '--times', '0']]) {
      const d = makeDeps();
      expect(await main(args, d), args.join(' ')).toBe(2);
    }
  });

  it('--list names every kind; --payload sends a file as it is', async () => {
    const list = makeDeps();
    expect(await main(['trigger', '--list'], list)).toBe(0);
    expect(list.stdout.text().split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(['text', 'group', 'mention', 'thread', 'image', 'file', 'audio', 'video', 'custom', 'edited', 'deleted']);
    const r = await receiver();
    const deps = makeDeps({ stdin: '{"trigger":"custom_thing","data":{"id":"1"}}' });
    expect(await main(['trigger', '--payload', '-', '--to', r.url, '--no-auth'], deps)).toBe(0);
    expect(r.got[0]!.body).toEqual({ trigger: 'custom_thing', data: { id: '1' } });
  });
});

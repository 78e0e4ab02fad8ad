// The inspector's HTTP surface without a browser: Host and Origin checks, APIs, no secrets.
import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { startInspector, type Inspector } from '../../src/inspector/server.js';
import { Output } from '../../src/adapters/output.js';
import { loadChalk } from '../../src/adapters/colors.js';
import { makeDeps, tempHome } from '../helpers/deps.js';
import { writeCaptureFile } from '../helpers/captures.js';
import { post } from '../helpers/listen.js';

let inspector: Inspector | undefined;
afterEach(async () => inspector?.close());

async function start(live?: EventEmitter) {
  const file = writeCaptureFile(join(tempHome(), 'captures'));
  const deps = makeDeps();
  const out = new Output(deps, { json: false, color: false }, await loadChalk());
  inspector = await startInspector({ port: 0, captureFiles: [file], warn: (line) => out.warn(line), live: live as never });
  return inspector.url;
}

describe('inspector server', () => {
  it('serves the page, the list and a record, with a strict CSP', async () => {
    const url = await start();
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    const list = (await (await fetch(`${url}api/captures`)).json()) as { id: string; text?: string }[];
    expect(list[0]!.id).toBe('fixtr1-9');
    const one = (await (await fetch(`${url}api/captures/fixtr1-8`)).json()) as { headers: Record<string, string> };
    expect(one.headers.authorization).toBe('[redacted]');
    expect(((await (await fetch(`${url}api/config`)).json()) as { live: boolean }).live).toBe(false);
  });

  it('refuses foreign Host headers and foreign Origins', async () => {
    const url = await start();
    const port = new URL(url).port;
    expect((await post(`${url}api/captures`, '', { host: `attacker.example:${port}` }, { method: 'GET' })).status).toBe(403);
    expect((await post(`${url}api/captures`, '', { host: `localhost:${port}` }, { method: 'GET' })).status).toBe(200);
    expect((await post(`${url}api/replay/fixtr1-8`, '{}', { origin: 'http://attacker.example' })).status).toBe(403);
    // Its own origin passes the CSRF check (and then finds no replay target here: 409).
    expect((await post(`${url}api/replay/fixtr1-8`, '{}', { origin: `http://127.0.0.1:${port}` })).status).toBe(409);
    expect((await post(`${url}api/replay/fixtr1-8`, '{}', { origin: 'null' })).status).toBe(403);
  });

  it('streams live captures over server-sent events', async () => {
    const live = new EventEmitter();
    const url = await start(live);
    const res = await fetch(`${url}api/events`);
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    live.emit('request', { record: { id: 'live-9', receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: 2, json: true, body: { data: { sender: 'zed', data: { text: 'hi' } } } } });
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text).toMatch(/^event: capture\ndata: /);
    expect(JSON.parse(text.split('data: ')[1]!)).toMatchObject({ id: 'live-9', sender: 'zed', text: 'hi' });
    await reader.cancel();
  });
});

describe('inspector edge requests', () => {
  it('answers HEAD like GET, favicon with 204, a malformed path with 400, and a replay with no target with 409', async () => {
    const url = await start();
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`${url}favicon.ico`)).status).toBe(204);
    expect((await fetch(`${url}api/captures/%`)).status).toBe(400);
    const replay = await fetch(`${url}api/replay/fixtr1-8`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: string }).error).toMatch(/no replay target/);
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signedPost } from '../../src/adapters/signed-post.js';
import { basicAuthHeader, parseUserPass } from '../../src/core/basic-auth.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A local server that records what it got and answers as told (or never, with hang). */
async function target(answer: { status?: number; body?: string; hang?: boolean } = {}): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      if (answer.hang) return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' }).end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

describe('basicAuthHeader', () => {
  it('encodes user:password as RFC 7617 says, in UTF-8', () => {
    expect(basicAuthHeader({ username: 'Aladdin', password: 'open sesame' })).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(basicAuthHeader({ username: 'ü', password: 'p:w' })).toBe(`Basic ${Buffer.from('ü:p:w').toString('base64')}`);
  });
  it('parses --auth user:pass, keeping colons in the password', () => {
    expect(parseUserPass('bot:a:b')).toEqual({ username: 'bot', password: 'a:b' });
    expect(parseUserPass('nocolon')).toBeUndefined();
    expect(parseUserPass(':pw')).toBeUndefined();
  });
});

describe('signedPost', () => {
  it('signs with credentials, sends JSON as application/json, and reports status and time', async () => {
    const t = await target({ status: 201 });
    const result = await signedPost({ url: t.url, body: '{"a":1}', auth: { username: 'u', password: 'p' }, userAgent: 'cometbot-test' });
    expect(result.status).toBe(201);
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(t.seen[0]!.headers.authorization).toBe(basicAuthHeader({ username: 'u', password: 'p' }));
    expect(t.seen[0]!.headers['content-type']).toBe('application/json');
    expect(t.seen[0]!.headers['user-agent']).toBe('cometbot-test');
    expect(t.seen[0]!.body).toBe('{"a":1}');
  });

  it('passes a received Authorization header on unchanged', async () => {
    const t = await target();
    await signedPost({ url: t.url, body: '{}', auth: 'Basic abc=', userAgent: 'x' });
    expect(t.seen[0]!.headers.authorization).toBe('Basic abc=');
  });

  it('sends no Authorization header without auth', async () => {
    const t = await target();
    await signedPost({ url: t.url, body: '{}', userAgent: 'x' });
    expect(t.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('keeps the content type a non-JSON body arrived with, else text/plain', async () => {
    const t = await target();
    await signedPost({ url: t.url, body: 'a=1', json: false, contentType: 'application/x-www-form-urlencoded', userAgent: 'x' });
    await signedPost({ url: t.url, body: 'plain', json: false, userAgent: 'x' });
    expect(t.seen.map((s) => s.headers['content-type'])).toEqual(['application/x-www-form-urlencoded', 'text/plain']);
  });

  it('keeps the answer body when asked', async () => {
    const t = await target({ status: 500, body: 'boom' });
    expect(await signedPost({ url: t.url, body: '{}', userAgent: 'x', keepBody: true })).toMatchObject({ status: 500, body: 'boom' });
  });

  it('gives up after the timeout with a readable error', async () => {
    const t = await target({ hang: true });
    const result = await signedPost({ url: t.url, body: '{}', userAgent: 'x', timeoutMs: 100 });
    expect(result).toMatchObject({ status: null, error: 'no answer within 100 ms' });
  });

  it('names a refused connection', async () => {
    const t = await target();
    server!.close();
    server = undefined;
    const result = await signedPost({ url: t.url, body: '{}', userAgent: 'x' });
    expect(result.status).toBeNull();
    expect(result.error).toBe('ECONNREFUSED');
  });
});

describe('signedPost to a port fetch refuses', () => {
  it('explains the WHATWG bad port instead of a bare "bad port"', async () => {
    const result = await signedPost({ url: 'http://127.0.0.1:6000/bot', body: '{}', userAgent: 'x' });
    expect(result.error).toBe('port blocked by fetch (a WHATWG "bad port" such as 6000 or 6665–6669): give your bot another port');
  });
});

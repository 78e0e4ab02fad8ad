// The routing of a bot's CometChat calls: the proxy intercepts only *.cometchat.io (with the run CA) and
// tunnels every other host untouched; the emulator reads the host the bot used
// (the Node preload, a built file, is tested in test/e2e/preload.test.ts).
import { createServer as createHttpsServer } from 'node:https';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { existsSync, statSync } from 'node:fs';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { Routing, PRELOAD } from '../../src/bot-process/routing.js';
import { recorder as record } from '../helpers/recorder.js';
import { refusedTarget } from '../../src/bot-process/proxy-target.js';
import { parseCometChatHost } from '../../src/emulator/server.js';
import { startEmulator } from '../helpers/emulator.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const recorder = () => record(cleanups);


/** A stand-in for the emulator that records what reached it. */
/** A TLS server with its own self-signed certificate: a host the proxy must not touch. */
async function foreignTlsServer(): Promise<{ port: number; fingerprint: string; connections: () => number }> {
  x509.cryptoProvider.set(webcrypto as never);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '0a', name: 'CN=foreign.test', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000), keys, signingAlgorithm: alg });
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const server = createHttpsServer({ key, cert: cert.toString('pem') }, (_req, res) => res.end('foreign'));
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, fingerprint: new x509.X509Certificate(cert.rawData).subject, connections: () => connections };
}

/** CONNECT through the proxy, then TLS to `servername`; resolves with the certificate the client saw. */
function connectThrough(proxy: URL, authority: string, servername: string, ca?: string): Promise<{ cert: PeerCertificate; authorized: boolean; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname: proxy.hostname, port: proxy.port, method: 'CONNECT', path: authority });
    req.on('connect', (res, socket) => {
      expect(res.statusCode).toBe(200);
      const tls = tlsConnect({ socket, servername, rejectUnauthorized: false, ...(ca ? { ca } : {}) }, () => {
        const cert = tls.getPeerCertificate();
        const authorized = tls.authorized;
        tls.write(`GET /v3/users HTTP/1.1\r\nHost: ${servername}\r\napikey: k\r\nConnection: close\r\n\r\n`);
        let body = '';
        tls.on('data', (d) => (body += d));
        tls.on('end', () => resolve({ cert, authorized, body }));
      });
      tls.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the routing proxy', () => {
  it('intercepts *.cometchat.io with a certificate from the run CA and sends the call to the emulator', async () => {
    const emu = await recorder();
    const routing = await Routing.start(emu.url);
    cleanups.push(() => routing.close());
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(routing.caFile, 'utf8');
    const seen = await connectThrough(routing.proxyUrl, 'myapp.api-eu.cometchat.io:443', 'myapp.api-eu.cometchat.io', ca);
    expect(seen.authorized).toBe(true);
    expect(seen.cert.subject.CN).toBe('myapp.api-eu.cometchat.io');
    expect(seen.cert.issuer.CN).toMatch(/^cometbot test run CA/);
    expect(seen.body).toContain('{"data":{"ok":true}}');
    expect(emu.seen).toEqual([expect.objectContaining({ method: 'GET', url: '/v3/users', headers: expect.objectContaining({ 'x-forwarded-host': 'myapp.api-eu.cometchat.io' }) })]);
  });

  it('tunnels any other host untouched: the client sees that server’s own certificate', async () => {
    const emu = await recorder();
    const foreign = await foreignTlsServer();
    // Loopback targets are refused by default; this test lets its own loopback server through (no test connects elsewhere).
    const routing = await Routing.start(emu.url, { targetPolicy: (address) => (address === '127.0.0.1' ? undefined : refusedTarget(address)) });
    cleanups.push(() => routing.close());
    const seen = await connectThrough(routing.proxyUrl, `127.0.0.1:${foreign.port}`, 'foreign.test');
    expect(seen.cert.subject.CN).toBe('foreign.test');
    expect(seen.cert.issuer.CN).toBe('foreign.test');
    expect(seen.body).toContain('foreign');
    expect(emu.seen).toEqual([]);
  });

  it('refuses to tunnel to loopback (the bot reaches it directly): 403 and a refused event, nothing connected', async () => {
    const emu = await recorder();
    const foreign = await foreignTlsServer();
    const routing = await Routing.start(emu.url);
    cleanups.push(() => routing.close());
    const refused = new Promise((r) => routing.proxy.once('refused', r));
    const answer = await new Promise<string>((resolve) => {
      const socket = netConnect(Number(routing.proxyUrl.port), '127.0.0.1', () => socket.write(`CONNECT 127.0.0.1:${foreign.port} HTTP/1.1\r\nHost: 127.0.0.1:${foreign.port}\r\n\r\n`));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(await refused).toEqual({ host: '127.0.0.1', port: foreign.port, reason: 'a loopback address' });
    expect(foreign.connections()).toBe(0);
    // Names: localhost is refused before any lookup; a malformed CometChat name gets no certificate.
    const forName = await new Promise<string>((resolve) => {
      const socket = netConnect(Number(routing.proxyUrl.port), '127.0.0.1', () => socket.write('CONNECT a+b.cometchat.io:443 HTTP/1.1\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(forName).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });

  it('issues certificates strict verifiers accept: openssl reads the extensions and verifies the leaf with -x509_strict', async () => {
    const emu = await recorder();
    const routing = await Routing.start(emu.url);
    cleanups.push(() => routing.close());
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync, readFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const ca = execFileSync('openssl', ['x509', '-noout', '-text', '-in', routing.caFile], { encoding: 'utf8' });
    expect(ca).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ca).toMatch(/X509v3 Subject Key Identifier:/);
    expect(ca).toMatch(/X509v3 Authority Key Identifier:/);
    expect(ca).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:cometchat\.io/);
    const seen = await connectThrough(routing.proxyUrl, 'myapp.api-eu.cometchat.io:443', 'myapp.api-eu.cometchat.io', readFileSync(routing.caFile, 'utf8'));
    expect(seen.authorized).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'cometbot-cert-test-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const leafFile = join(dir, 'leaf.pem');
    writeFileSync(leafFile, `-----BEGIN CERTIFICATE-----\n${seen.cert.raw.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    const leaf = execFileSync('openssl', ['x509', '-noout', '-text', '-in', leafFile], { encoding: 'utf8' });
    expect(leaf).toMatch(/DNS:myapp\.api-eu\.cometchat\.io/);
    expect(leaf).toMatch(/X509v3 Subject Key Identifier:/);
    const verified = execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', routing.caFile, leafFile], { encoding: 'utf8' });
    expect(verified.trim()).toBe(`${leafFile}: OK`);
    // Valid for hours, not a day or more.
    const days = (new Date(seen.cert.valid_to).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeLessThan(1);
  });

  it('keeps its files in a private folder, with a CA bundle holding the system CAs too, and removes it on close', async () => {
    const emu = await recorder();
    const routing = await Routing.start(emu.url);
    expect(statSync(routing.dir).mode & 0o777).toBe(0o700);
    const env = routing.env('--max-old-space-size=512');
    expect(env).toMatchObject({ SSL_CERT_FILE: routing.bundleFile, REQUESTS_CA_BUNDLE: routing.bundleFile, CURL_CA_BUNDLE: routing.bundleFile, NODE_EXTRA_CA_CERTS: routing.caFile, NO_PROXY: 'localhost,127.0.0.1,::1' });
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=512 --require ${PRELOAD}`);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(routing.bundleFile, 'utf8').match(/BEGIN CERTIFICATE/g)!.length).toBeGreaterThan(10);
    expect(readFileSync(routing.caFile, 'utf8')).not.toContain('PRIVATE KEY');
    await routing.close();
    expect(existsSync(routing.dir)).toBe(false);
  });
});

describe('the emulator reads the host a bot called', () => {
  it('parses both host forms in any case', () => {
    expect(parseCometChatHost('myApp.api-EU.cometchat.io')).toEqual({ appId: 'myApp', region: 'eu' });
    expect(parseCometChatHost('api-in.cometchat.io')).toEqual({ region: 'in' });
    expect(parseCometChatHost('example.com')).toBeUndefined();
  });

  it('answers the older form only with an appId header, and refuses another app when the app id is named', async () => {
    const emulator = await startEmulator({ anyApiKey: true, strictAppId: true });
    cleanups.push(() => emulator.close());
    const call = (host: string, headers: Record<string, string>) => fetch(`${emulator.baseUrl}/users`, { headers: { 'x-forwarded-host': host, ...headers } }).then(async (r) => [r.status, ((await r.json()) as { error?: { code: string } }).error?.code ?? 'ok']);
    expect(await call('api-eu.cometchat.io', { apiKey: 'any' })).toEqual([401, 'AUTH_ERR_EMPTY_APPID']);
    expect(await call('api-EU.cometchat.io', { appId: 'testapp', apiKey: 'any' })).toEqual([200, 'ok']);
    expect(await call('testapp.api-eu.cometchat.io', { apikey: 'any' })).toEqual([200, 'ok']);
    expect(await call('otherapp.api-eu.cometchat.io', { apikey: 'any' })).toEqual([401, 'AUTH_ERR_APIKEY_NOT_FOUND']);
    expect(await call('testapp.api-eu.cometchat.io', {})).toEqual([401, 'AUTH_ERR_EMPTY_APIKEY']);
    expect(emulator.outbox.at(-1)).toMatchObject({ host: 'testapp.api-eu.cometchat.io', status: 401 });
  });
});

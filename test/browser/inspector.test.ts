// The inspector in real headless Chromium (Debian's package, driven by playwright-core).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { main } from '../../src/main.js';
import { CALLBACK, makeDeps, tempHome, writeProfile, type TestDeps } from '../helpers/deps.js';
import { basic, callbackPayload, post } from '../helpers/listen.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium package)`);

const AUTH = { authorization: basic(CALLBACK.username, CALLBACK.password) };

describe.skipIf(!haveChromium)('listen --inspect in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  let deps: TestDeps;
  let done: Promise<number>;
  let ready: { localUrl: string; inspectUrl: string };
  let target: Server;
  const replayed: { body: string; auth?: string }[] = [];

  beforeAll(async () => {
    target = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.headers['user-agent'] === 'cometbot-inspector-replay') replayed.push({ body, auth: req.headers.authorization });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const home = tempHome();
    writeProfile(home, 'http://127.0.0.1:9/v3');
    deps = makeDeps({ home });
    const forward = `http://127.0.0.1:${(target.address() as AddressInfo).port}/bot`;
    done = main(['--json', 'listen', '--no-tunnel', '--port', '0', '--inspect', '--inspect-port', '0', '--forward-to', forward], deps);
    await deps.stdout.until('"ready"');
    ready = JSON.parse(deps.stdout.text().split('\n')[0]!);
    expect(ready.inspectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 55_000, // a hang guard: Chromium starts slowly on a loaded 2-core machine
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  // Each test gets a freshly loaded page and posts the captures it needs (with its own texts): no test
  // depends on what another posted, clicked or selected.
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(50_000); // waits end on the event; this only bounds a hang
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ready.inspectUrl).origin });
    await page.goto(ready.inspectUrl);
    await page.waitForSelector('#live');
  });

  afterEach(async () => {
    await page?.close();
  });

  /** Posts one accepted callback with this id and text, and waits for its row. */
  async function capture(id: string, text: string, extra: Record<string, unknown> = {}) {
    await post(ready.localUrl, JSON.stringify(callbackPayload({ id, text, ...extra })), AUTH);
    await page.waitForSelector(`.row:has-text("${text}")`);
  }

  afterAll(async () => {
    await browser?.close();
    deps?.signals.emit('SIGINT');
    await done;
    target?.close();
  });

  it('shows a payload posted to listen live, without a reload', async () => {
    await post(ready.localUrl, JSON.stringify(callbackPayload({ id: 'live-1', sender: 'alice', text: 'first live message' })), AUTH);
    await post(ready.localUrl, JSON.stringify(callbackPayload({ id: 'live-2', sender: 'bob', receiver: 'team', receiverType: 'group', text: 'hello from bob' })), AUTH);
    await post(ready.localUrl, '{}', { authorization: basic('x', 'wrongpassword') });
    await page.waitForSelector('.row:has-text("first live message")');
    await page.waitForSelector('.row:has-text("hello from bob")');
    expect(await page.locator('.row .verdict.rejected').count()).toBeGreaterThanOrEqual(1);
  });

  it('filters by sender, receiver, type or text', async () => {
    await capture('flt-1', 'fltx one', { sender: 'fltxsender' });
    await capture('flt-2', 'fltx two', { sender: 'dave', receiver: 'fltxgroup', receiverType: 'group' });
    await capture('flt-3', 'fltx three', { sender: 'erin' });
    await page.fill('#filter', 'fltxsender');
    await expect.poll(() => page.locator('.row').count()).toBe(1);
    await page.fill('#filter', 'fltxgroup');
    await expect.poll(() => page.locator('.row').count()).toBe(1);
    await page.fill('#filter', 'fltx t');
    await expect.poll(() => page.locator('.row').count()).toBe(2);
    await page.fill('#filter', 'fltx');
    await expect.poll(() => page.locator('.row').count()).toBe(3);
  });

  it('shows a collapsible JSON tree and the redacted headers', async () => {
    await capture('tree-1', 'a tree to fold');
    await page.click('.row:has-text("a tree to fold")');
    await page.waitForSelector('#tree:has-text("a tree to fold")');
    expect(await page.locator('table.headers').textContent()).toContain('[redacted]');
    const top = page.locator('#tree > details');
    await top.locator(':scope > summary').click();
    expect(await top.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    await top.locator(':scope > summary').click();
    expect(await top.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
  });

  it('copies a request as JSON and as curl, without any secret in the curl', async () => {
    await capture('copy-1', 'copy me please');
    await page.click('.row:has-text("copy me please")');
    await page.waitForSelector('#tree:has-text("copy me please")');
    await page.click('button:has-text("Copy as JSON")');
    const json = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(json.data.id).toBe('copy-1');
    await page.click('button:has-text("Copy as curl")');
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toMatch(/^curl -X POST 'http:\/\/127\.0\.0\.1:\d+\/bot' -u "\$CALLBACK_USER:\$CALLBACK_PASSWORD"/);
    expect(curl).toContain('"copy me please"');
    expect(curl).not.toContain(CALLBACK.password);
  });

  it('replays a payload to the --forward-to target with a click', async () => {
    await capture('replay-1', 'replay this one');
    await page.click('.row:has-text("replay this one")');
    await page.waitForSelector('#tree:has-text("replay this one")');
    await page.click('#replay');
    await page.waitForSelector('#replay-result:has-text("200 from")');
    const mine = replayed.filter((r) => JSON.parse(r.body).data.id === 'replay-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.auth).toBe(AUTH.authorization);
  });

  // The first TypeScript rendering loads json-schema-to-typescript and prettier: slow on a loaded CI box.
  it('shows the inferred schema and TypeScript types', async () => {
    await capture('schema-1', 'something to type');
    await page.click('#tab-schema');
    await page.waitForSelector('#schema-ts:has-text("export interface CometChatBotCallback")', { timeout: 55_000 });
    expect(await page.locator('#schema-json').textContent()).toContain('"$schema"');
    expect(await page.locator('#requests-view').isVisible()).toBe(false);
    await page.click('#tab-requests');
    expect(await page.locator('#schema-view').isVisible()).toBe(false);
  }, 60_000);


  it('renders a payload carrying HTML and <script> as text', async () => {
    const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    await post(ready.localUrl, JSON.stringify(callbackPayload({ id: 'xss', sender: '<b>mallory</b>', text: evil })), AUTH);
    await page.waitForSelector('.row:has-text("mallory")');
    await page.click('.row:has-text("mallory")');
    await page.waitForSelector('#tree:has-text("mallory")');
    expect(await page.locator('.row:has-text("mallory") .text').textContent()).toBe(evil);
    expect(await page.locator('#tree').textContent()).toContain(JSON.stringify(evil));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#detail script, #list script, #detail img, #list img, #detail b, #list b').count()).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}inspector.png`, fullPage: true });
  });

  it('never sends a secret to the page', async () => {
    await capture('secret-1', 'no secrets here');
    const everything = await page.evaluate(async () => {
      const urls = ['/api/config', '/api/captures', '/api/schema', '/', '/app.js'];
      const texts = await Promise.all(urls.map((u) => fetch(u).then((r) => r.text())));
      const list = JSON.parse(texts[1]!) as { id: string }[];
      const details = await Promise.all(list.map((r) => fetch(`/api/captures/${r.id}`).then((x) => x.text())));
      return texts.concat(details).join('\n');
    });
    expect(everything).not.toContain(CALLBACK.password);
    expect(everything).not.toContain(AUTH.authorization.slice(6));
    expect(everything).not.toContain('test-rest-api-key');
  });

  it('refuses a foreign Origin on replay and a foreign Host anywhere', async () => {
    await capture('live-1', 'origin target');
    const before = replayed.length;
    const url = new URL(ready.inspectUrl);
    const foreignOrigin = await post(`${ready.inspectUrl}api/replay/live-1`, '{}', { origin: 'http://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    const foreignHost = await post(`${ready.inspectUrl}api/captures`, '', { host: `evil.example:${url.port}` }, { method: 'GET' });
    expect(foreignHost.status).toBe(403);
    const formPost = await post(`${ready.inspectUrl}api/replay/live-1`, 'a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(formPost.status).toBe(415);
    expect(replayed).toHaveLength(before);
    // And from a page on another origin, in the browser itself:
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>other site</p>'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherPage = await browser.newPage();
    otherPage.setDefaultTimeout(50_000);
    await otherPage.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    const status = await otherPage.evaluate(async (inspect) => {
      try {
        const r = await fetch(`${inspect}api/replay/live-1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', mode: 'cors' });
        return r.status;
      } catch {
        return 'blocked';
      }
    }, ready.inspectUrl);
    expect(status).not.toBe(200);
    expect(replayed).toHaveLength(before);
    await otherPage.close();
    other.close();
  });

  it('Copy as curl is paste-safe: a crafted content type or a body line cannot end the quoting', async () => {
    const hostileType = "text/plain' ; echo INJECTED-1 ; echo '";
    const hostileBody = "hi\nJSON\necho INJECTED-2\n'; echo INJECTED-3; '";
    const before = Number(await page.locator('#count').textContent());
    await post(ready.localUrl, hostileBody, { ...AUTH, 'content-type': hostileType });
    await expect.poll(async () => Number(await page.locator('#count').textContent())).toBe(before + 1);
    await page.click('.row >> nth=0'); // the newest request is listed first
    await page.waitForSelector('#detail h3');
    await page.click('button:has-text("Copy as curl")');
    const curl = await page.evaluate(() => navigator.clipboard.readText());
    // Run what was copied with curl replaced by a function that prints its arguments one per line.
    const { execFileSync } = await import('node:child_process');
    const printed = execFileSync('sh', ['-c', `curl() { for a in "$@"; do printf '<%s>\\n' "$a"; done; }\nCALLBACK_USER=u CALLBACK_PASSWORD=p\n${curl}`], { encoding: 'utf8' });
    expect(printed).not.toMatch(/^INJECTED/m);
    expect(printed).toContain(`<content-type: ${hostileType}>`);
    expect(printed).toContain(`<${hostileBody}>`);
  });
});

describe.skipIf(!haveChromium)('captures inspect in Chromium (read-only, 10,000 captures)', { timeout: 60_000 }, () => {
  it('lists 10,000 captures with only the visible rows in the DOM, and filters them', async () => {
    const { writeManyCaptures } = await import('../helpers/many-captures.js');
    const home = tempHome();
    writeManyCaptures(`${home}/captures`, 10_000);
    const deps = makeDeps({ home });
    const done = main(['--json', 'captures', 'inspect', '--inspect-port', '0'], deps);
    await deps.stdout.until('inspectUrl');
    const { inspectUrl } = JSON.parse(deps.stdout.text().trim());
    const browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 55_000, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(50_000);
      await page.goto(inspectUrl);
      await page.waitForSelector('.row:has-text("message number 9999")');
      expect(await page.locator('#count').textContent()).toBe('10000');
      expect(await page.locator('.row').count()).toBeLessThan(60);
      expect(await page.locator('#live').textContent()).toBe('read-only');
      await page.locator('#list').evaluate((l) => (l.scrollTop = 44 * 5000));
      await page.waitForSelector('.row:has-text("message number 499")');
      await page.fill('#filter', 'user5 ');
      await page.fill('#filter', 'message number 1234');
      await expect.poll(() => page.locator('.row').count()).toBe(1);
      await page.click('.row');
      await page.waitForSelector('#tree:has-text("message number 1234")');
      expect(await page.locator('#replay').isDisabled()).toBe(true);
    } finally {
      await browser.close();
      deps.signals.emit('SIGINT');
      expect(await done).toBe(0);
    }
  });
});

// Inspector page load with 1,000 and 10,000 captures, in Debian's Chromium (skipped without it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function captures(dir, n) {
  mkdirSync(dir, { recursive: true });
  const lines = [];
  for (let i = 0; i < n; i++) {
    const body = { trigger: 'after_message', data: { id: String(i), sender: `user${i % 97}`, receiver: 'bot', receiverType: 'user', category: 'message', type: 'text', data: { text: `message number ${i}` } }, appId: 'a', region: 'eu', bot: 'bot' };
    lines.push(JSON.stringify({ id: `b-${i + 1}`, receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(), method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: { authorization: '[redacted]' }, bytes: 200, json: true, body }));
  }
  writeFileSync(join(dir, '2026-01-01T00-00-00-000Z-bench1.jsonl'), `${lines.join('\n')}\n`);
}

export async function inspectorBench() {
  if (!existsSync(CHROMIUM)) {
    console.log(`\ninspector: skipped (no Chromium at ${CHROMIUM})`);
    return undefined;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const results = {};
  try {
    for (const n of [1_000, 10_000]) {
      const home = mkdtempSync(join(tmpdir(), 'cometbot-bench-'));
      captures(join(home, 'captures'), n);
      const child = spawn(process.execPath, [join(root, 'bin', 'cometbot.js'), '--json', 'captures', 'inspect', '--inspect-port', '0'], { env: { PATH: process.env.PATH, COMETBOT_HOME: home } });
      const url = await new Promise((resolve) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = out.match(/"inspectUrl":"([^"]+)"/);
          if (m) resolve(m[1]);
        });
      });
      const page = await browser.newPage();
      const start = performance.now();
      await page.goto(url);
      await page.waitForSelector(`.row:has-text("message number ${n - 1}")`);
      const loadMs = Math.round(performance.now() - start);
      const t = performance.now();
      await page.fill('#filter', 'message number 777');
      await page.waitForFunction(() => document.getElementById('count').textContent === String(document.querySelectorAll('.row').length));
      const filterMs = Math.round(performance.now() - t);
      console.log(`inspector with ${n} captures: page load to first rows ${loadMs} ms (target < 1000 ms), filter ${filterMs} ms`);
      results[n] = { loadMs, filterMs };
      await page.close();
      child.kill('SIGINT');
      rmSync(home, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
  }
  return results;
}

// The Node preload a started bot gets (a built file: dist/bot-process/preload.cjs): fetch and https for
// *.cometchat.io go to the emulator with the original host; other hosts are untouched.
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PRELOAD } from '../../src/bot-process/routing.js';
import { recorder as record } from '../helpers/recorder.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const recorder = () => record(cleanups);

describe('the Node preload', () => {
  const run = (code: string, routeTo: URL): Promise<string> =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, ['--require', PRELOAD, '--input-type=module', '-e', code], { env: { PATH: process.env.PATH, COMETBOT_ROUTE_TO: routeTo.origin } }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout))),
    );

  it('sends fetch and https.request for *.cometchat.io to the emulator, with the original host; other hosts untouched', async () => {
    const emu = await recorder();
    const other = await recorder();
    const out = await run(
      `
      import https from 'node:https';
      const a = await fetch(' https://AppX.api-IN.cometchat.io/v3/bots/b/messages?x=1', { method: 'POST', headers: { apikey: 'k' }, body: '{}' });
      const b = await new Promise((r) => https.get('https://api-us.cometchat.io/v3/users', { headers: { appId: 'a1' } }, (res) => { res.resume(); r(res.statusCode); }));
      const c = await fetch('${other.url.origin}/plain');
      console.log(a.status, b, c.status);`,
      emu.url,
    );
    expect(out.trim()).toBe('200 200 200');
    expect(emu.seen.map((s) => [s.method, s.url, s.headers['x-forwarded-host']])).toEqual([
      ['POST', '/v3/bots/b/messages?x=1', 'appx.api-in.cometchat.io'],
      ['GET', '/v3/users', 'api-us.cometchat.io'],
    ]);
    expect(emu.seen[1]!.headers.appid).toBe('a1');
    expect(other.seen.map((s) => s.url)).toEqual(['/plain']);
  });
});


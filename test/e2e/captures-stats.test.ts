// captures stats as a developer runs it in their bot's folder: the traffic, CometChat's retries, and
// what no conversation test sends yet.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureLine } from '../../src/core/capture.js';
import { buildMessage, wrapCallback, type Kind } from '../../src/core/payloads.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';

describe('captures stats (spawned)', () => {
  it('counts by trigger and kind, lists redeliveries with their delays, and the kinds no test sends', async () => {
    const dir = tempHome();
    const home = join(dir, '.cometbot');
    mkdirSync(join(home, 'captures'), { recursive: true });
    const opts = { from: 'alice', bot: 'helper', appId: 'a', region: 'eu', sentAt: 1764500000 };
    const lines: string[] = [];
    let seq = 0;
    const add = (kind: Kind, id: string, at: number, extra: Record<string, unknown> = {}) => {
      const body = wrapCallback(buildMessage(kind, { ...opts, id, ...extra }), 'bot', opts);
      const raw = JSON.stringify(body);
      lines.push(captureLine({ id: `stat01-${++seq}`, receivedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + at).toISOString(), method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: raw.length, json: true }, { text: raw, parsed: body }));
    };
    add('text', '712', 0);
    add('text', '712', 10_000); // CometChat's retry after 10 s
    add('text', '712', 40_100); // and after 30.1 s more
    add('group', '713', 50_000, { group: 'support' });
    add('image', '714', 60_000);
    add('edited', '716', 70_000);
    writeFileSync(join(home, 'captures', '2026-11-25T12-00-00-000Z-stat01.jsonl'), lines.join(''));
    writeFileSync(join(dir, 'bot.convo.yaml'), 'tests:\n  - name: t\n    steps:\n      - user: hi\n      - bot: any\n');
    const r = await runCli(['captures', 'stats'], { env: { COMETBOT_HOME: home, HOME: dir }, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('6 request(s): 6 accepted, 0 rejected');
    expect(r.stdout).toContain('kind  text 3 · edited 1 · group 1 · image 1');
    expect(r.stdout).toContain('data.id 712: 3 deliveries, +10.0 s, +30.1 s');
    expect(r.stdout).toContain('not sent by any test here: edited, group, image');
    const json = await runCli(['--json', 'captures', 'stats'], { env: { COMETBOT_HOME: home, HOME: dir }, cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ byTrigger: { after_message: 6 }, redeliveries: [{ id: '712', deliveries: 3, delaysMs: [10_000, 30_100] }], notTested: ['edited', 'group', 'image'] });
  });
});

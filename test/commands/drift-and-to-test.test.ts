// captures schema --check (drift) and captures to-test, as a developer uses them in CI.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureLine } from '../../src/core/capture.js';
import { schemaDrift } from '../../src/core/drift.js';
import { parseConvo } from '../../src/core/convo/parse.js';
import { TestRun } from '../../src/testing/run.js';
import { makeDeps, tempHome } from '../helpers/deps.js';
import { startBot } from '../helpers/bots.js';

let seq = 0;
function home(bodies: unknown[]): string {
  const h = tempHome();
  mkdirSync(join(h, 'captures'));
  const lines = bodies.map((body) => {
    const raw = JSON.stringify(body);
    return captureLine({ id: `drft01-${++seq}`, receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: raw.length, json: true }, { text: raw, parsed: body });
  });
  writeFileSync(join(h, 'captures', '2026-11-25T12-00-00-000Z-drft01.jsonl'), lines.join(''));
  return h;
}

const cb = (id: number, extra: Record<string, unknown> = {}, dataExtra: Record<string, unknown> = {}) => ({
  trigger: 'after_message',
  bot: 'helper',
  appId: 'a',
  data: { id: String(id), sender: 'alice', receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', sentAt: 1764500000 + id, data: { text: `hi ${id}`, resource: 'web' }, ...dataExtra },
  ...extra,
});

async function schemaOf(h: string): Promise<string> {
  const deps = makeDeps({ home: h });
  expect(await main(['captures', 'schema'], deps)).toBe(0);
  return deps.stdout.text();
}

describe('captures schema --check', () => {
  const base = [cb(1), cb(2), cb(3), cb(4)];
  it('no drift: exit 0 and "no drift"', async () => {
    const h = home(base);
    const saved = join(h, 'payload.schema.json');
    writeFileSync(saved, await schemaOf(h));
    const deps = makeDeps({ home: h });
    expect(await main(['captures', 'schema', '--check', saved], deps)).toBe(0);
    expect(deps.stdout.text()).toBe('no drift\n');
  });

  it('a field added, one removed, a type changed, an enum value new: each one line, exit 1', async () => {
    const savedHome = home(base);
    const saved = join(savedHome, 'payload.schema.json');
    writeFileSync(saved, await schemaOf(savedHome));
    const changed = [1, 2, 3, 4].map((i) => {
      const c = cb(i, {}, { muid: `m${i}`, sentAt: String(1764500000 + i), type: i === 4 ? 'poll' : 'text' });
      delete (c.data.data as Record<string, unknown>).resource;
      return c;
    });
    const deps = makeDeps({ home: home(changed) });
    expect(await main(['captures', 'schema', '--check', saved], deps)).toBe(1);
    expect(deps.stdout.text().trim().split('\n')).toEqual(['+ data.muid: string, 4/4 samples', '- data.data.resource', '~ data.sentAt: number → string', 'enum data.type: + poll']);
    expect(deps.stderr.text()).toBe(''); // the report is the output; no error line on top
  });

  it('a missing saved schema is a usage error that says how to make one', async () => {
    const deps = makeDeps({ home: home(base) });
    expect(await main(['captures', 'schema', '--check', '/nonexistent/s.json'], deps)).toBe(2);
    expect(deps.stderr.text()).toContain('hint: save one first: cometbot captures schema > payload.schema.json');
  });

  it('with several triggers, reports drift per trigger, and a trigger that appears', async () => {
    const two = [cb(1), cb(2), { trigger: 'message_sent', data: { message: { id: '9', sender: 'bob' } } }, { trigger: 'message_sent', data: { message: { id: '10', sender: 'bob' } } }];
    const savedHome = home(two);
    const saved = join(savedHome, 'payload.schema.json');
    writeFileSync(saved, await schemaOf(savedHome));
    const changed = [cb(3, { origin: 'web' }), cb(4, { origin: 'web' }), two[2]!, two[3]!, { trigger: 'message_edited', data: { message: { id: '11' } } }];
    const deps = makeDeps({ home: home(changed) });
    expect(await main(['captures', 'schema', '--check', saved], deps)).toBe(1);
    expect(deps.stdout.text().trim().split('\n')).toEqual(['+ trigger message_edited', '[after_message] + origin: string, 2/2 samples']);
  });

  it('compares nested objects and arrays, reporting a removed object once', () => {
    const s = (props: Record<string, unknown>) => ({ type: 'object', properties: props });
    expect(schemaDrift(s({ a: s({ b: { type: 'string' }, c: { type: 'string' } }), l: { type: 'array', items: { type: 'number' } } }), s({ l: { type: 'array', items: { type: 'string' } } }))).toEqual(['- a', '~ l[]: number → string']);
  });
});

describe('captures to-test', () => {
  it('turns captured callbacks into user steps (sender, group, mentions) that cometbot test runs against the bot', async () => {
    const group = { ...cb(5), data: { ...cb(5).data, sender: 'dave', receiver: 'support', receiverType: 'group', data: { text: '<@uid:helper> any news?' } } };
    const edit = { ...cb(6), data: { ...cb(6).data, category: 'action', type: 'message', data: { action: 'edited' } } };
    const h = home([cb(1), group, edit]);
    const file = join(h, 'out', 'captured.convo.yaml');
    const deps = makeDeps({ home: h });
    expect(await main(['captures', 'to-test', '--out', file], deps)).toBe(0);
    expect(deps.stderr.text()).toContain('2 user step(s) written');
    const parsed = parseConvo(readFileSync(file, 'utf8'), file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.file.bot).toBe('helper');
    expect(parsed.file.tests[0]!.steps).toMatchObject([
      { kind: 'user', text: 'hi 1', as: 'alice' },
      { kind: 'bot', any: true },
      { kind: 'user', text: 'any news?', as: 'dave', group: 'support', mention: ['helper'] },
      { kind: 'bot', any: true },
    ]);
    const bot = await startBot();
    const run = new TestRun({ files: [parsed.file], botUrl: bot.url, apiPort: 0, credentials: null, app: { appId: 'emulator', region: 'us', apiKey: 'test-key', anyApiKey: true } });
    bot.apiUrl = (await run.start()).apiUrl;
    const summary = await run.run();
    await run.close();
    await bot.close();
    expect(summary).toMatchObject({ passed: 1, failed: 0 });
  });

  it('--run keeps one listen run; given ids keep those', async () => {
    const h = home([cb(1), cb(2), cb(3)]);
    const file = join(h, 'one.convo.yaml');
    const first = `drft01-${seq - 2}`;
    expect(await main(['captures', 'to-test', first, '--out', file], makeDeps({ home: h }))).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('user: hi 1');
    expect(readFileSync(file, 'utf8')).not.toContain('hi 2');
    // An existing file is not replaced unasked; --force replaces it.
    const refused = makeDeps({ home: h });
    expect(await main(['captures', 'to-test', 'last', '--out', file], refused)).toBe(2);
    expect(refused.stderr.text()).toContain(`error: ${file} already exists`);
    expect(readFileSync(file, 'utf8')).toContain('user: hi 1');
    expect(await main(['captures', 'to-test', 'last', '--out', file, '--force'], makeDeps({ home: h }))).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('user: hi 3');
    expect(readFileSync(file, 'utf8')).not.toContain('hi 1');
    const none = makeDeps({ home: h });
    expect(await main(['captures', 'to-test', '--run', 'nope', '--out', join(h, 'none.convo.yaml')], none)).toBe(1);
    // A name cometbot test would not find is refused before anything is read.
    const txt = makeDeps({ home: h });
    expect(await main(['captures', 'to-test', '--out', join(h, 'precious.txt')], txt)).toBe(2);
    expect(txt.stderr.text()).toContain('is not a conversation file name');
  });
});

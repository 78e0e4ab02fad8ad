// The payload builder: every kind and shape as a golden file (stable: fixed ids and time), and each
// accepted and summarised by listen's parser.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KINDS, SHAPES, buildMessage, parseSet, setPath, wrapCallback } from '../../src/core/payloads.js';
import { duplicateKey, replyTarget, summarize } from '../../src/core/capture.js';

const OPTS = { from: 'alice', bot: 'helper', appId: 'app1', region: 'eu', id: '712', sentAt: 1764500000 };

function golden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`../golden/payloads/${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(existsSync(path), `golden ${name} missing: UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('payloads', () => {
  for (const shape of SHAPES) {
    for (const kind of KINDS) {
      it(`${kind} in the ${shape} shape matches its golden file and parses as it should`, () => {
        const payload = wrapCallback(buildMessage(kind, { ...OPTS, ...(kind === 'group' || kind === 'mention' ? { group: 'support' } : {}) }), shape, OPTS);
        golden(`${kind}.${shape}.json`, `${JSON.stringify(payload, null, 2)}\n`);
        const s = summarize(payload);
        expect(s.id).toBe('712');
        expect(s.sender).toBe('alice');
        expect(duplicateKey(s)).toBe(`${s.trigger}\u0000712`); // the newer shape dedupes on data.message.id
        if (kind === 'edited' || kind === 'deleted') {
          expect(s).toMatchObject({ category: 'action', action: kind, onId: '711' });
          expect(replyTarget(s)).toBeDefined(); // a target exists, but --echo never answers an action
        } else expect(s.category).not.toBe('action');
        if (kind === 'mention') expect(s.text).toBe('<@uid:helper> can you help?');
        if (kind === 'group' || kind === 'mention') expect(s).toMatchObject({ receiver: 'support', receiverType: 'group' });
        if (kind === 'thread') expect(s.parentId).toBe('711');
      });
    }
  }

  it('--set writes JSON values or strings at dot paths, and refuses prototype keys', () => {
    const p: Record<string, unknown> = { data: { id: '1' } };
    setPath(p, 'data.id', parseSet('data.id=9001')!.value);
    setPath(p, 'data.data.text', parseSet('data.data.text=hi there')!.value);
    setPath(p, 'data.data.metadata', parseSet('x={"a":[1,2]}')!.value);
    expect(p).toEqual({ data: { id: 9001, data: { text: 'hi there', metadata: { a: [1, 2] } } } });
    expect(() => setPath(p, '__proto__.polluted', 1)).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseSet('novalue')).toBeUndefined();
  });
});

describe('every payload through listen', async () => {
  const { CallbackServer } = await import('../../src/listen/callback-server.js');
  const { CaptureStore } = await import('../../src/listen/capture-store.js');
  const { summaryLine } = await import('../../src/adapters/request-renderer.js');
  const { plainColors } = await import('../../src/adapters/colors.js');
  const { tempHome } = await import('../helpers/deps.js');
  it('is accepted, recorded and summarised: edits and deletes as "alice edited #711: …", the rest as sender → receiver', async () => {
    const store = new CaptureStore(`${tempHome()}/c.jsonl`);
    const server = new CallbackServer({ host: '127.0.0.1', port: 0, path: '/', credentials: null, store, runTag: 'pay001', now: () => new Date('2026-11-30T12:00:00Z') });
    const lines: string[] = [];
    server.on('request', (req) => lines.push(summaryLine(plainColors(), req.record, req.summary).replace(/^\S+ /, '')));
    const { url } = await server.start();
    for (const shape of SHAPES) {
      for (const kind of KINDS) {
        const payload = wrapCallback(buildMessage(kind, { ...OPTS, id: `${shape}-${kind}` }), shape, OPTS);
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
        expect(r.status).toBe(200);
      }
    }
    await server.close(1000);
    await store.close();
    expect(lines).toHaveLength(KINDS.length * SHAPES.length);
    expect(lines.filter((l) => / edited #/.test(l))).toHaveLength(3);
    expect(lines.find((l) => l.includes('edited'))).toMatch(/^200 alice edited #\S+: hello action pay001-\d+$/);
    expect(lines.find((l) => l.includes('deleted'))).toMatch(/^200 alice deleted #\S+ action pay001-\d+$/);
    expect(lines.filter((l) => l.includes('alice → helper message/text'))).toHaveLength(6); // text and thread, in each shape
  });
});

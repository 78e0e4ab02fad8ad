import { describe, expect, it } from 'vitest';
import { captureLine, duplicateKey, messageOf, preview, redactHeaders, replyTarget, summarize, type RecordMeta } from '../../src/core/capture.js';
import { TaskQueue } from '../../src/core/task-queue.js';

const meta: RecordMeta = { id: 'r-1', receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: 7, json: true };

describe('captureLine', () => {
  it('splices single-line JSON bodies verbatim', () => {
    const line = captureLine(meta, { text: '{"a":1}', parsed: { a: 1 } });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ ...meta, body: { a: 1 } });
    expect(line).toContain(',"body":{"a":1}}');
  });
  it('re-serialises bodies with raw line breaks so each record stays one line', () => {
    const line = captureLine(meta, { text: '{\n  "a": 1\n}', parsed: { a: 1 } });
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line).body).toEqual({ a: 1 });
  });
  it('stores non-JSON as rawBody, and metadata-only records without a body', () => {
    expect(JSON.parse(captureLine({ ...meta, json: false }, { text: 'a\nb' })).rawBody).toBe('a\nb');
    expect(JSON.parse(captureLine(meta, undefined))).toEqual(meta);
  });
});

describe('payload reading', () => {
  const payload = { trigger: 'after_message', data: { id: '9', sender: 'alice', receiver: 'team', receiverType: 'group', category: 'message', type: 'text', data: { text: 'hi' }, parentId: '3' } };
  it('summarizes the documented shape', () => {
    expect(summarize(payload)).toEqual({ trigger: 'after_message', id: '9', sender: 'alice', receiver: 'team', receiverType: 'group', category: 'message', type: 'text', text: 'hi', parentId: '3' });
  });
  it('unwraps the newer data.message shape', () => {
    expect(messageOf({ trigger: 'message_sent', data: { message: { id: '5' } } })).toEqual({ id: '5' });
    expect(summarize({ trigger: 'message_sent', data: { message: { id: 5, sender: { uid: 'bob' } } } })).toMatchObject({ id: '5', sender: 'bob' });
  });
  it('survives anything', () => {
    for (const v of [null, 1, 'x', [], {}, { data: null }, { data: { data: 5 } }]) expect(() => summarize(v)).not.toThrow();
  });
  it('reply targets: group → group, else → sender', () => {
    expect(replyTarget(summarize(payload))).toEqual({ receiver: 'team', receiverType: 'group' });
    expect(replyTarget({ sender: 'alice', receiver: 'bot', receiverType: 'user' })).toEqual({ receiver: 'alice', receiverType: 'user' });
  });
  it('dedupe keys use trigger and id', () => {
    expect(duplicateKey({ trigger: 't', id: '1' })).not.toBe(duplicateKey({ trigger: 'u', id: '1' }));
    expect(duplicateKey({})).toBeUndefined();
  });
  it('redacts auth headers and previews text', () => {
    expect(redactHeaders({ authorization: 'Basic x', cookie: 'c', host: 'h' })).toEqual({ authorization: '[redacted]', cookie: '[redacted]', host: 'h' });
    expect(preview('a\n b', 10)).toBe('a b');
    expect(preview('x'.repeat(100), 10)).toHaveLength(10);
  });
  it('collapses runs of whitespace, tabs and line breaks in previews, and leaves clean text as it is', () => {
    expect(preview('a  b\t\tc\r\nd', 60)).toBe('a b c d');
    expect(preview('a\tb', 60)).toBe('a b');
    expect(preview('  padded  ', 60)).toBe('padded');
    expect(preview('one space each', 60)).toBe('one space each');
  });
});

describe('TaskQueue', () => {
  it('bounds concurrency and the queue, counting drops', async () => {
    const q = new TaskQueue(1, 1);
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    expect(q.push(() => first)).toBe(true);
    expect(q.push(async () => undefined)).toBe(true);
    expect(q.push(async () => undefined)).toBe(false);
    expect(q.dropped).toBe(1);
    release();
    expect(await q.drain(1000)).toBe(true);
  });
});

describe('preview', () => {
  it('collapses whitespace, cuts long texts with an ellipsis, even when the head is mostly spaces', () => {
    expect(preview('  hello \n  world  ')).toBe('hello world');
    expect(preview('x'.repeat(10_000), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(preview(`${' '.repeat(30)}tail${'y'.repeat(100)}`, 10)).toMatch(/…$/);
  });
});

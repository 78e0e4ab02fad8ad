import { describe, expect, it } from 'vitest';
import { summaryLine, prettyJson } from '../../src/adapters/request-renderer.js';
import { createColors, loadChalk } from '../../src/adapters/colors.js';
import type { CaptureRecord } from '../../src/core/capture.js';

const base: CaptureRecord = { id: 'abc-7', receivedAt: '2026-11-25T12:00:05.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: 10, json: true };

describe('summary line', () => {
  it('shows sender → receiver, category/type, a text preview, flags and the id', async () => {
    const c = createColors(false, await loadChalk());
    const body = { trigger: 'after_message', data: { id: '9', sender: 'alice', receiver: 'team', receiverType: 'group', category: 'message', type: 'text', parentId: '3', data: { text: 'hello\n  team' } } };
    const line = summaryLine(c, { ...base, body, duplicate: true });
    expect(line.slice(9)).toBe('200 alice → team (group) message/text "hello team" duplicate thread 3 abc-7');
    expect(line).toMatch(/^\d\d:\d\d:\d\d /);
  });
  it('says what happened to rejected and non-JSON requests', async () => {
    const c = createColors(false, await loadChalk());
    expect(summaryLine(c, { ...base, status: 401, verdict: 'rejected', reason: 'missing credentials' }).slice(9)).toBe('401 rejected POST / (missing credentials) from 127.0.0.1');
    expect(summaryLine(c, { ...base, json: false, rawBody: 'x' }).slice(9)).toBe('200 ⚠ body is not JSON (10 bytes, kept as rawBody) abc-7');
  });
  it('pretty JSON is plain without colour and coloured with it', async () => {
    const Chalk = await loadChalk();
    expect(prettyJson(createColors(false, Chalk), { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyJson(createColors(true, Chalk), { a: 'x' })).toContain('\u001b[');
  });
});

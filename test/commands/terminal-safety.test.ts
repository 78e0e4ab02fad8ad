// Text any CometChat user can write (sender, name, text, type, group) never reaches the terminal raw:
// no escape sequence can clear the screen, set the title, or write the clipboard (OSC 52).
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureLine } from '../../src/core/capture.js';
import { safeJson, safeLine, safeText } from '../../src/core/terminal-text.js';
import { makeDeps, tempHome } from '../helpers/deps.js';

const HOSTILE = '\u001b]0;PWNED\u0007 \u001b[2J \u009b31m \u001b]52;c;ZXZpbA==\u0007 \u007f';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function hostileCaptures(): string {
  const home = tempHome();
  mkdirSync(join(home, 'captures'), { recursive: true });
  const body = { trigger: `after_message${HOSTILE}`, data: { id: '1', sender: `eve${HOSTILE}`, receiver: 'bot', receiverType: 'user', category: 'message', type: `text${HOSTILE}`, data: { text: `hello ${HOSTILE}` } } };
  const text = JSON.stringify(body);
  const meta = { id: 'evil-1', receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted' as const, remoteAddress: '127.0.0.1', headers: { 'x-evil': `v${HOSTILE}` }, bytes: text.length, json: true };
  const raw = `not json ${HOSTILE}`;
  const rawMeta = { ...meta, id: 'evil-2', receivedAt: '2026-11-25T12:00:01.000Z', json: false, bytes: raw.length };
  writeFileSync(join(home, 'captures', '2026-11-25T12-00-00-000Z-evil01.jsonl'), captureLine(meta, { text, parsed: body }) + captureLine(rawMeta, { text: raw, parsed: undefined }));
  return home;
}

describe('terminal safety', () => {
  it('escapes C0 and C1 controls and DEL: one line, several lines, JSON', () => {
    expect(safeLine('a\u001b[2Jb\nc\u009bd\u007f')).toBe('a\\x1b[2Jb\\nc\\x9bd\\x7f');
    expect(safeText('a\n\tb\u0007')).toBe('a\n\tb\\x07');
    expect(safeJson({ t: '\u001b\u009b\u007f' })).toBe('{"t":"\\u001b\\u009b\\u007f"}');
    expect(JSON.parse(safeJson({ t: '\u009b' }))).toEqual({ t: '\u009b' });
  });

  for (const [name, args] of [
    ['captures list (a terminal)', ['captures', 'list']],
    ['captures list (piped)', ['captures', 'list']],
    ['captures show (the JSON body, headers, summary line)', ['captures', 'show', 'evil-1']],
    ['captures show (a body that is not JSON)', ['captures', 'show', 'evil-2']],
    ['captures list --json', ['--json', 'captures', 'list']],
  ] as const) {
    it(`${name} prints no raw control character`, async () => {
      const deps = makeDeps({ home: hostileCaptures(), tty: name.includes('terminal') });
      const code = await main([...args], deps);
      expect(code).toBe(0);
      const out = deps.stdout.text() + deps.stderr.text();
      expect(out).not.toMatch(RAW_CONTROL);
      expect(out).toMatch(/eve|hello|not json/);
    });
  }

  it('an error quoting a value is one safe line', async () => {
    const deps = makeDeps({ home: hostileCaptures() });
    expect(await main(['captures', 'show', `nope${HOSTILE}`], deps)).not.toBe(0);
    expect(deps.stderr.text()).not.toMatch(RAW_CONTROL);
  });
});

import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureLine, type RecordMeta } from '../../src/core/capture.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/callbacks/', import.meta.url));

/** Fixture name → raw text, in a fixed order. */
export function fixtures(): [string, string][] {
  return readdirSync(FIXTURES)
    .sort()
    .map((f) => [f.replace(/\.(json|txt)$/, ''), readFileSync(join(FIXTURES, f), 'utf8')]);
}

/** Writes a capture file as listen would (same record format), one record per fixture, plus a rejected request and a torn last line. */
export function writeCaptureFile(dir: string, name = '2026-11-25T12-00-00-000Z-fixtr1.jsonl', options: { torn?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  let seq = 0;
  const meta = (status: number, json: boolean, bytes: number): RecordMeta => ({
    id: `fixtr1-${++seq}`,
    receivedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString(),
    method: 'POST',
    path: '/',
    status,
    verdict: status === 200 ? 'accepted' : 'rejected',
    remoteAddress: '127.0.0.1',
    headers: { host: '127.0.0.1:3978', authorization: '[redacted]', 'content-type': json ? 'application/json' : 'text/plain' },
    bytes,
    json,
  });
  for (const [, text] of fixtures()) {
    let parsed: unknown;
    let json = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      json = false;
    }
    lines.push(captureLine(meta(200, json, Buffer.byteLength(text)), { text: json ? JSON.stringify(parsed) : text, parsed }));
  }
  const rejected = meta(401, false, 2);
  lines.push(captureLine({ ...rejected, reason: 'missing credentials' }, undefined));
  const file = join(dir, name);
  writeFileSync(file, lines.join('') + (options.torn ? '{"id":"fixtr1-99","receivedAt":"2026-11-2' : ''));
  return file;
}

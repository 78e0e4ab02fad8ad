import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { captureLine } from '../../src/core/capture.js';
import { callbackPayload } from './listen.js';

/** A capture file with `n` accepted requests from a rotating cast of senders. */
export function writeManyCaptures(dir: string, n: number): string {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = callbackPayload({ id: `m${i}`, sender: `user${i % 97}`, text: `message number ${i}` });
    const text = JSON.stringify(body);
    lines.push(
      captureLine(
        { id: `many-${i + 1}`, receivedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i)).toISOString(), method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: { authorization: '[redacted]' }, bytes: text.length, json: true },
        { text, parsed: body },
      ),
    );
  }
  const file = join(dir, '2026-11-25T12-00-00-000Z-many01.jsonl');
  writeFileSync(file, lines.join(''));
  return file;
}

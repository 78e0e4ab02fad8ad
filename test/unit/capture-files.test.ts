// Reading capture files from their end: the newest records cost what they weigh, whatever the file's
// size; torn and stray lines are skipped and counted.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { CaptureReader, linesBackwards, listCaptureFiles } from '../../src/adapters/capture-files.js';
import { fixtureName } from '../../src/adapters/capture-files.js';
import { tempHome } from '../helpers/deps.js';

const rec = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, receivedAt: '2026-11-25T12:00:00.000Z', verdict: 'accepted', status: 200, json: true, body: { n: id }, ...extra });

function file(text: string | Buffer, name = 'f.jsonl'): string {
  const dir = tempHome();
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('linesBackwards', () => {
  it('yields lines last to first, with or without a final newline, CRLF too', () => {
    expect([...linesBackwards(file('a\nb\nc\n'))]).toEqual(['c', 'b', 'a']);
    expect([...linesBackwards(file('a\nb\nc'))]).toEqual(['c', 'b', 'a']);
    expect([...linesBackwards(file('a\r\nb\r\n'))]).toEqual(['b', 'a']);
    expect([...linesBackwards(file(''))]).toEqual([]);
  });

  it('joins a line longer than the read block, and never splits a character across blocks', () => {
    const long = `${'é'.repeat(50)}x${'ü'.repeat(30)}`;
    const path = file(`first\n${long}\nlast\n`);
    for (const block of [1, 3, 7, 64]) expect([...linesBackwards(path, block)]).toEqual(['last', long, 'first']);
  });
});

describe('CaptureReader from the end', () => {
  it('returns the newest N, newest first, skipping and counting a torn last line and stray text', async () => {
    const path = file(`${rec('r-1')}\nnot a record\n${rec('r-2')}\n${rec('r-3')}\n{"id":"r-4","receivedAt":"2026-11-2`);
    const reader = new CaptureReader([path]);
    expect((await reader.newest(2)).map((r) => r.id)).toEqual(['r-3', 'r-2']);
    expect(reader.skipped).toBe(1); // the torn last line; the stray one was not reached
    const all = new CaptureReader([path]);
    expect((await all.newest(10)).map((r) => r.id)).toEqual(['r-3', 'r-2', 'r-1']);
    expect(all.skipped).toBe(2);
  });

  it('last for replay and export is the newest accepted record with a body, not a rejected probe', () => {
    const path = file([rec('r-1'), rec('r-2', { verdict: 'rejected', status: 401, body: undefined })].join('\n') + '\n');
    expect(new CaptureReader([path]).lastReplayable()?.id).toBe('r-1');
  });

  it('reads the newest records of a large file without reading the rest', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => rec(`big-${i + 1}`)).join('\n');
    const path = file(`${lines}\n`);
    const reader = new CaptureReader([path]);
    const started = process.cpuUsage();
    const newest = await reader.newest(3);
    expect(newest.map((r) => r.id)).toEqual(['big-20000', 'big-19999', 'big-19998']);
    expect(process.cpuUsage(started).user).toBeLessThan(200_000); // far less than parsing 20,000 records
  });
});

describe('capture files on disk', () => {
  it('only regular files count: a folder, a dangling link or a FIFO named *.jsonl is skipped', () => {
    const dir = tempHome();
    writeFileSync(join(dir, '2026-01-01T00-00-00-000Z-aaaaaa.jsonl'), `${rec('aaaaaa-1')}\n`);
    mkdirSync(join(dir, 'folder.jsonl'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.jsonl'));
    execFileSync('mkfifo', [join(dir, 'pipe.jsonl')]);
    expect(listCaptureFiles(dir)).toEqual([join(dir, '2026-01-01T00-00-00-000Z-aaaaaa.jsonl')]);
  });

  it('export names stay inside --out, whatever the id says', () => {
    const { join: j, dirname } = require('node:path') as typeof import('node:path');
    for (const id of ['../../pwned-traversal', '/abs/path', '..', '.', 'a/../../b', 'c:\\x']) {
      const name = fixtureName(id);
      expect(name).not.toMatch(/[\\/]/);
      expect(name.startsWith('.')).toBe(false);
      expect(dirname(j('/out', `${name}.json`))).toBe('/out');
    }
    expect(fixtureName('lrn8qw-1')).toBe('lrn8qw-1');
  });
});

describe('finding a record by its id (run tag and sequence number)', async () => {
  const { bisect } = await import('../../src/adapters/capture-files.js');
  it('bisects the run’s file: first, middle, last, missing; stray and torn lines in between are stepped over', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => rec(`sess01-${i + 1}`));
    lines.splice(2000, 0, 'a stray line', '{"id":"sess01-torn');
    const path = file(`${lines.join('\n')}\n`, '2026-11-25T12-00-00-000Z-sess01.jsonl');
    for (const n of [1, 2, 1999, 2000, 2001, 2500, 4999, 5000]) expect(bisect(path, 'sess01', n)?.id).toBe(`sess01-${n}`);
    expect(bisect(path, 'sess01', 5001)).toBeUndefined();
    const reader = new CaptureReader([path]);
    expect((await reader.find('sess01-4321'))?.id).toBe('sess01-4321');
    expect(await reader.find('sess01-9999')).toBeUndefined();
  });

  it('works on a file of one short record, and with CRLF line ends', () => {
    expect(bisect(file(`${rec('t-1')}\n`, 'x-t.jsonl'), 't', 1)?.id).toBe('t-1');
    expect(bisect(file(`${rec('t-1')}\r\n${rec('t-2')}\r\n`, 'y-t.jsonl'), 't', 2)?.id).toBe('t-2');
  });
});

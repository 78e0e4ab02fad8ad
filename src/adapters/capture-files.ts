// Reads capture files line by line, newest file first, with bounded memory: a long listen run can
// leave millions of records, and no command needs them all in memory at once. Tolerant of a torn
// last line and of lines that are not records (skipped and counted).
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CliError } from '../errors.js';
import type { CaptureRecord } from '../core/capture.js';

export interface StoredRecord extends CaptureRecord {
  file: string;
}

/** Capture files in `dir`, newest first (names start with the run's ISO time; mtime breaks ties). */
export function listCaptureFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`cannot read the captures directory ${dir} (${(e as NodeJS.ErrnoException).code})`, 'check its permissions, or pass --file');
  }
  return names
    .map((n) => ({ path: join(dir, n), name: n, mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : b.mtime - a.mtime))
    .map((f) => f.path);
}

/** One line of a capture file: a record, or undefined when the line is not one. */
export function parseRecordLine(line: string, file: string): StoredRecord | undefined {
  try {
    const value = JSON.parse(line) as CaptureRecord;
    if (value && typeof value === 'object' && typeof value.id === 'string' && typeof value.receivedAt === 'string') return { ...value, file };
  } catch {
    // a torn last line or stray text
  }
  return undefined;
}

export class CaptureReader {
  /** Lines seen that were not capture records. */
  skipped = 0;

  constructor(readonly files: string[]) {}

  /** Every record of one file, in arrival order. */
  async *recordsOf(file: string): AsyncGenerator<StoredRecord> {
    const stream = createReadStream(file, { encoding: 'utf8' });
    const opened = new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    try {
      await opened;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read capture file ${file} (${code})`, code === 'ENOENT' ? 'check the path given to --file' : 'check the file permissions');
    }
    // node:readline loads here, not at start-up (it is not part of Node's preloaded core).
    const { createInterface } = await import('node:readline');
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const record = parseRecordLine(line, file);
      if (record) yield record;
      else this.skipped++;
    }
  }

  /** Every record, oldest first (files oldest first, lines in order): stable for schema and export. */
  async *oldestFirst(): AsyncGenerator<StoredRecord> {
    for (let i = this.files.length - 1; i >= 0; i--) yield* this.recordsOf(this.files[i]!);
  }

  /** The newest `limit` records, newest first; reads only as many files as it needs. */
  async newest(limit: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    for (const file of this.files) {
      const need = limit - out.length;
      if (need <= 0) break;
      // Keep only the last `need` records of this file: a ring, so memory stays bounded.
      const ring: StoredRecord[] = [];
      let next = 0;
      for await (const record of this.recordsOf(file)) {
        if (ring.length < need) ring.push(record);
        else ring[next] = record;
        next = (next + 1) % need;
      }
      const ordered = ring.length < need ? ring : [...ring.slice(next), ...ring.slice(0, next)];
      for (let i = ordered.length - 1; i >= 0; i--) out.push(ordered[i]!);
    }
    return out;
  }

  /** The record with this id (or "last"); looks in the file its run tag names first. */
  async find(id: string): Promise<StoredRecord | undefined> {
    if (id === 'last') return (await this.newest(1))[0];
    const tag = id.slice(0, id.lastIndexOf('-'));
    const likely = tag ? this.files.filter((f) => basename(f).endsWith(`-${tag}.jsonl`)) : [];
    for (const file of [...likely, ...this.files.filter((f) => !likely.includes(f))]) {
      for await (const record of this.recordsOf(file)) if (record.id === id) return record;
    }
    return undefined;
  }
}

// Reads capture files: newest first, tolerant of a torn last line and of lines that are not records.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { CaptureRecord } from '../core/capture.js';

export interface StoredRecord extends CaptureRecord {
  file: string;
}

export interface CaptureSet {
  files: string[];
  /** Newest first. */
  records: StoredRecord[];
  /** Lines that were not capture records (a torn last line, stray text). */
  skipped: number;
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

export function parseCaptureText(text: string, file: string): { records: StoredRecord[]; skipped: number } {
  const records: StoredRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as CaptureRecord;
      if (value && typeof value === 'object' && typeof value.id === 'string' && typeof value.receivedAt === 'string') records.push({ ...value, file });
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

export function readCaptureFiles(files: string[]): CaptureSet {
  const all: StoredRecord[] = [];
  let skipped = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read capture file ${file} (${code})`, code === 'ENOENT' ? 'check the path given to --file' : 'check the file permissions');
    }
    const parsed = parseCaptureText(text, file);
    // Within a file, lines are in arrival order; reverse so the newest comes first.
    all.push(...parsed.records.reverse());
    skipped += parsed.skipped;
  }
  return { files, records: all, skipped };
}

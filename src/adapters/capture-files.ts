// Reads capture files line by line, newest file first, with bounded memory: a long listen run can
// leave millions of records, and no command needs them all in memory at once. Tolerant of a torn
// last line and of lines that are not records (skipped and counted).
import { closeSync, createReadStream, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
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
  // Only regular files: a folder, a dangling link or a FIFO named *.jsonl is not a capture file.
  return names
    .flatMap((n) => {
      try {
        const stat = statSync(join(dir, n));
        return stat.isFile() ? [{ path: join(dir, n), name: n, mtime: stat.mtimeMs }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : b.mtime - a.mtime))
    .map((f) => f.path);
}

/** Bytes read per step when reading a file backwards. */
export const BACKWARD_BLOCK = 64 * 1024;

/**
 * The lines of a file from the last to the first, read in blocks from its end: the newest records of a
 * file of any size cost what they weigh, not the whole file. Lines are split on the byte 0x0A and each
 * decoded whole (a character split across two blocks is never broken); a CR before the newline is dropped.
 */
export function* linesBackwards(file: string, blockSize = BACKWARD_BLOCK): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    let position = fstatSync(fd).size;
    let rest: Buffer = Buffer.alloc(0); // the start of a line whose beginning is in an earlier block
    while (position > 0) {
      const size = Math.min(blockSize, position);
      position -= size;
      const block = Buffer.allocUnsafe(size);
      readSync(fd, block, 0, size, position);
      const chunk = rest.length ? Buffer.concat([block, rest]) : block;
      let end = chunk.length;
      for (let i = chunk.length - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue;
        if (i + 1 < end) yield decodeLine(chunk.subarray(i + 1, end));
        end = i;
      }
      rest = Buffer.from(chunk.subarray(0, end));
    }
    if (rest.length) yield decodeLine(rest);
  } finally {
    closeSync(fd);
  }
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
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

  /** Every record, newest first: files newest first, each read backwards from its end. */
  *newestFirst(): Generator<StoredRecord> {
    for (const file of this.files) {
      // The generator opens the file on first use: an unreadable file fails inside the loop.
      try {
        for (const line of linesBackwards(file)) {
          if (!line.trim()) continue;
          const record = parseRecordLine(line, file);
          if (record) yield record;
          else this.skipped++;
        }
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw unreadable(file, e);
      }
    }
  }

  /** The newest `limit` records, newest first; reads only what it returns, from the ends of the files. */
  async newest(limit: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    if (limit <= 0) return out;
    for (const record of this.newestFirst()) {
      out.push(record);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The newest record a command can send again (accepted, with a body): what `last` means for replay and export. */
  lastReplayable(): StoredRecord | undefined {
    for (const record of this.newestFirst()) if (record.verdict === 'accepted' && (record.body !== undefined || record.rawBody !== undefined)) return record;
    return undefined;
  }

  /**
   * The record with this id (or "last"). An id is `<run tag>-<sequence>`, and a run's file holds its
   * records in sequence order: the file the tag names is searched by bisection on byte offsets, so a
   * record is found without reading the file. Other files are scanned only if that fails.
   */
  async find(id: string): Promise<StoredRecord | undefined> {
    if (id === 'last') return (await this.newest(1))[0];
    const tag = id.slice(0, id.lastIndexOf('-'));
    const seq = Number(id.slice(id.lastIndexOf('-') + 1));
    const likely = tag ? this.files.filter((f) => basename(f).endsWith(`-${tag}.jsonl`)) : [];
    if (Number.isInteger(seq) && seq > 0) {
      for (const file of likely) {
        const found = bisect(file, tag, seq);
        if (found) return found;
      }
    }
    for (const file of [...likely, ...this.files.filter((f) => !likely.includes(f))]) {
      for await (const record of this.recordsOf(file)) if (record.id === id) return record;
    }
    return undefined;
  }
}

function unreadable(file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CliError(`cannot read capture file ${file} (${code ?? (e as Error).message})`, code === 'ENOENT' ? 'check the path given to --file' : code === 'EISDIR' ? 'pass a capture file (*.jsonl), not a folder' : 'check the file permissions');
}

/** The record `tag-seq` in a run's file, by bisection over byte offsets; undefined when not found. */
export function bisect(file: string, tag: string, seq: number): StoredRecord | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    // The first whole record starting at or after `from`: its sequence number, and where it ends.
    const recordAt = (from: number): { record?: StoredRecord; seq?: number; start: number; end: number } | undefined => {
      let start = from;
      if (from > 0) {
        const nl = indexOfByte(fd, 0x0a, from - 1, size);
        if (nl < 0) return undefined;
        start = nl + 1;
      }
      while (start < size) {
        const nl = indexOfByte(fd, 0x0a, start, size);
        const end = nl < 0 ? size : nl;
        const bytes = Buffer.allocUnsafe(end - start);
        readSync(fd, bytes, 0, bytes.length, start);
        const record = parseRecordLine(bytes.toString('utf8').replace(/\r$/, ''), file);
        const m = record ? /-(\d+)$/.exec(record.id) : null;
        if (record && m && record.id.startsWith(`${tag}-`)) return { record, seq: Number(m[1]), start, end };
        start = end + 1; // a torn or stray line: try the next one
      }
      return undefined;
    };
    let lo = 0;
    let hi = size;
    while (hi - lo > BACKWARD_BLOCK) {
      const mid = Math.floor((lo + hi) / 2);
      const at = recordAt(mid);
      if (!at || at.start >= hi) {
        hi = mid;
        continue;
      }
      if (at.seq === seq) return at.record;
      if (at.seq! < seq) lo = at.end + 1;
      else hi = at.start;
    }
    // A short stretch is left: read it record by record.
    for (let from = lo; from < hi; ) {
      const at = recordAt(from);
      if (!at || at.start >= hi) break;
      if (at.seq === seq) return at.record;
      if (at.seq! > seq) break;
      from = at.end + 1;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The offset of the first `byte` at or after `from`, reading in blocks; -1 when there is none. */
function indexOfByte(fd: number, byte: number, from: number, size: number): number {
  const block = Buffer.allocUnsafe(Math.min(BACKWARD_BLOCK, Math.max(1, size - from)));
  for (let at = from; at < size; at += block.length) {
    const n = readSync(fd, block, 0, Math.min(block.length, size - at), at);
    const i = block.subarray(0, n).indexOf(byte);
    if (i >= 0) return at + i;
  }
  return -1;
}

/** A capture id as a file name: letters, digits, "-", "_" and "." only, never ".." or a path. */
export function fixtureName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return name || 'capture';
}

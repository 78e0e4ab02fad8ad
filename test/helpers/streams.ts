import { PassThrough, Readable } from 'node:stream';

export interface CapturedStream extends PassThrough {
  isTTY?: boolean;
  text(): string;
  /** Resolves once what was written contains `needle` (or matches it): awaits writes, never polls. */
  until(needle: string | RegExp | ((text: string) => boolean), timeoutMs?: number): Promise<void>;
}

export function output(isTTY = false): CapturedStream {
  const stream = new PassThrough() as CapturedStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.isTTY = isTTY;
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  // A guard against a hang, not a budget: a loaded CI machine is slow, a missing write is an error either way.
  stream.until = (needle, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const found = () => (typeof needle === 'string' ? stream.text().includes(needle) : typeof needle === 'function' ? needle(stream.text()) : needle.test(stream.text()));
      if (found()) return resolve();
      const onData = () => {
        if (!found()) return;
        clearTimeout(timer);
        stream.off('data', onData);
        resolve();
      };
      const timer = setTimeout(() => {
        stream.off('data', onData);
        reject(new Error(`never written: ${String(needle)}\n--- written so far ---\n${stream.text()}`));
      }, timeoutMs);
      // After the collector above, so text() already holds the new chunk.
      stream.on('data', onData);
    });
  return stream;
}

export function input(text: string | null, isTTY = false): Readable & { isTTY?: boolean } {
  const stream = Readable.from(text === null ? [] : [Buffer.from(text)]) as Readable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return stream;
}

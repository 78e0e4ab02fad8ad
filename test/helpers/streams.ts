import { PassThrough, Readable } from 'node:stream';

export interface CapturedStream extends PassThrough {
  isTTY?: boolean;
  text(): string;
}

export function output(isTTY = false): CapturedStream {
  const stream = new PassThrough() as CapturedStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.isTTY = isTTY;
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

export function input(text: string | null, isTTY = false): Readable & { isTTY?: boolean } {
  const stream = Readable.from(text === null ? [] : [Buffer.from(text)]) as Readable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return stream;
}

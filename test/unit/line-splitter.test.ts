import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from '../../src/bot-process/bot-process.js';

const split = (chunks: string[]) => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
};

describe('LineSplitter (a bot’s output)', () => {
  it('splits on \\n and \\r\\n across chunk boundaries, and keeps a last line without one', () => {
    expect(split(['a\r', '\nb\nc', 'd\r\n', 'e'])).toEqual(['a', 'b', 'cd', 'e']);
    expect(split(['\n\n'])).toEqual(['', '']);
  });

  it('keeps the start of a very long line and says how much was cut, reading 20 MiB in one pass', () => {
    const chunk = 'x'.repeat(64 * 1024);
    const lines = split([...Array.from({ length: 320 }, () => chunk), '\nnext']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(MAX_LINE_CHARS)}… (${320 * 64 * 1024 - MAX_LINE_CHARS} more characters)`);
    expect(lines[1]).toBe('next');
  });
});

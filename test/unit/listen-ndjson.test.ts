import { describe, expect, it } from 'vitest';
import { requestLine } from '../../src/listen/ndjson.js';

describe('listen --json request events', () => {
  it('splice the capture line, escaping DEL and C1 (a raw CSI) that JSON leaves as they are', () => {
    const line = `{"id":"a-1","rawBody":"{\\"text\\":\\"hi \u009b31m \u007f\\"}"}`;
    const event = requestLine(line);
    expect(event).toBe('{"event":"request","id":"a-1","rawBody":"{\\"text\\":\\"hi \\u009b31m \\u007f\\"}"}');
    expect(JSON.parse(event).rawBody).toBe('{"text":"hi \u009b31m \u007f"}');
    expect(requestLine('{"id":"b-2"}')).toBe('{"event":"request","id":"b-2"}');
  });
});

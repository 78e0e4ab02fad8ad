// listen --json: the events on stdout, one JSON object a line. One type, so the command, the tests and
// anyone scripting listen read the same contract (DESIGN.md, "cometbot listen").
import type { CaptureRecord } from '../core/capture.js';
import { safeJson } from '../core/terminal-text.js';

export type ListenNdjsonEvent =
  | { event: 'ready'; localUrl: string; publicUrl: string | null; captureFile: string; inspectUrl?: string }
  /** An accepted request is the capture line itself (spliced, not re-serialised); a rejected one its metadata. */
  | ({ event: 'request' } & CaptureRecord)
  | { event: 'forward'; id: string; status: number | null; ms: number; error?: string }
  | { event: 'reply'; id: string; messageId: string };

export function ndjsonLine(event: ListenNdjsonEvent): string {
  return `${safeJson(event)}\n`;
}

// eslint-disable-next-line no-control-regex
const HAS_C1 = /[\u007f-\u009f]/;

/**
 * The request event for an accepted request, from its capture line: `{"event":"request",` + the record.
 * The line keeps the payload's text as sent, so DEL and C1 (a raw CSI, U+009B) are escaped here, as
 * safeJson does; clean lines (nearly all) cost one scan.
 */
export function requestLine(captureLine: string): string {
  const line = HAS_C1.test(captureLine) ? captureLine.replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : captureLine;
  return `{"event":"request",${line.slice(1)}`;
}

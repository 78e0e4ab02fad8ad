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

/** The request event for an accepted request, from its capture line: `{"event":"request",` + the record. */
export function requestLine(captureLine: string): string {
  return `{"event":"request",${captureLine.slice(1)}`;
}

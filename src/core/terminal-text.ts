// Text from outside (payloads, a bot's replies and output, API answers) made safe for a terminal:
// C0 and C1 control characters and DEL are shown escaped, so no message can move the cursor, clear
// the screen, set the window title or write the clipboard (OSC 52).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/g;
// Non-global twins for the test that comes first: listen renders a line per request, and most text
// is clean, so the common case is one scan without the global replace's setup.
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line: every control character escaped, newlines and tabs included. */
export function safeLine(text: string): string {
  return HAS_CONTROL_ONE_LINE.test(text) ? text.replace(CONTROL_ONE_LINE, escape) : text;
}

/** Several lines: newlines and tabs kept, every other control character escaped. */
export function safeText(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escape) : text;
}

/** JSON for a terminal or an NDJSON stream: JSON escapes C0; this also escapes DEL and C1 (U+007F–U+009F). */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

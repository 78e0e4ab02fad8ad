// How a callback looks in the terminal: one summary line, then the pretty body unless --quiet.
import type { Colors } from './colors.js';
import type { CaptureRecord, MessageSummary } from '../core/capture.js';
import { preview, summarize } from '../core/capture.js';
import { safeJson, safeLine } from '../core/terminal-text.js';

export function summaryLine(c: Colors, record: CaptureRecord, summary: MessageSummary = record.body !== undefined ? summarize(record.body) : {}): string {
  const time = c.dim(localTime(record.receivedAt));
  const status = record.status < 300 ? c.green(String(record.status)) : record.status < 500 ? c.yellow(String(record.status)) : c.red(String(record.status));
  if (record.verdict === 'rejected') {
    return `${time} ${status} ${c.yellow('rejected')} ${safeLine(record.method)} ${safeLine(record.path)} ${c.dim(safeLine(`(${record.reason ?? ''}) from ${record.remoteAddress}`))}`;
  }
  // Every value here comes from the payload (any CometChat user can write it): made terminal-safe.
  if (!record.json) return `${time} ${status} ${c.yellow('⚠ body is not JSON')} ${c.dim(`(${record.bytes} bytes, kept as rawBody)`)} ${c.dim(safeLine(record.id))}`;
  if (summary.category === 'action' && summary.action) {
    // "alice edited #712: new text", "alice deleted #712"
    const what = `${safeLine(summary.sender ?? '?')} ${safeLine(summary.action)} #${safeLine(summary.onId ?? '?')}${summary.text !== undefined ? `: ${safeLine(preview(summary.text))}` : ''}`;
    return `${time} ${status} ${c.bold(what)} ${c.cyan('action')}${record.duplicate ? ` ${c.magenta('duplicate')}` : ''} ${c.dim(safeLine(record.id))}`;
  }
  const who = `${safeLine(summary.sender ?? '?')} → ${safeLine(summary.receiver ?? '?')}${summary.receiverType === 'group' ? c.dim(' (group)') : ''}`;
  const kind = c.cyan(safeLine(`${summary.category ?? '?'}/${summary.type ?? '?'}`));
  const text = summary.text !== undefined ? ` "${safeLine(preview(summary.text))}"` : '';
  let flags = '';
  if (record.duplicate) flags += ` ${c.magenta('duplicate')}`;
  if (summary.parentId) flags += ` ${c.dim(safeLine(`thread ${summary.parentId}`))}`;
  if (summary.trigger && summary.trigger !== 'after_message') flags += ` ${c.dim(safeLine(summary.trigger))}`;
  return `${time} ${status} ${c.bold(who)} ${kind}${text}${flags} ${c.dim(safeLine(record.id))}`;
}

/** Indented JSON with keys and strings coloured (no colour codes when colour is off). */
export function prettyJson(c: Colors, value: unknown): string {
  const text = safeJson(value, 2);
  if (c.level === 0) return text;
  return text.replace(/("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (match, str: string, colon: string, lit: string, num: string) => {
    if (str) return colon ? `${c.cyan(str)}${colon}` : c.green(str);
    if (lit) return c.magenta(lit);
    if (num) return c.yellow(num);
    return match;
  });
}

let cachedSecond = '';
let cachedTime = '';
/** HH:MM:SS in local time; cached per second because it runs once per request. */
function localTime(iso: string): string {
  const second = iso.slice(0, 19);
  if (second !== cachedSecond) {
    const d = new Date(iso);
    cachedSecond = second;
    cachedTime = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }
  return cachedTime;
}

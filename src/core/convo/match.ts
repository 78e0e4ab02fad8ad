// Checks a bot message against a bot step's expectations; every mismatch is reported, not just the first.
import type { BotExpect, JsonExpectation } from './model.js';

/** A message as the emulator stored it (CometChat's message object). */
export interface BotMessage {
  id: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown>;
  parentId?: string;
  sentAt: number;
  [key: string]: unknown;
}

export interface Mismatch {
  key: string;
  expected: string;
  actual: string;
}

/** How a regular expression is tested: in-process by default; the test runner passes results it got under a time budget. */
export type RegexTest = (regex: RegExp, text: string) => boolean;

/** Every (regex, text) pair a match would test: the runner evaluates them under a time budget first. */
export function regexChecks(expect: BotExpect, message: BotMessage): { regex: RegExp; text: string }[] {
  const out: { regex: RegExp; text: string }[] = [];
  const text = typeof message.data.text === 'string' ? message.data.text : undefined;
  if (expect.matches && text !== undefined) out.push({ regex: expect.matches, text });
  for (const j of expect.json ?? []) {
    const found = getPath(message, j.path);
    if (j.regex && found.present && (typeof found.value === 'string' || typeof found.value === 'number')) out.push({ regex: j.regex, text: String(found.value) });
  }
  return out;
}

export function matchBotMessage(expect: BotExpect, message: BotMessage, testRegex: RegexTest = inProcess): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const text = typeof message.data.text === 'string' ? message.data.text : undefined;
  const shownText = text === undefined ? `(no text: ${message.category}/${message.type})` : JSON.stringify(text);
  if (expect.text !== undefined && text !== expect.text) mismatches.push({ key: 'text', expected: JSON.stringify(expect.text), actual: shownText });
  for (const part of expect.contains ?? []) {
    if (text === undefined || !text.includes(part)) mismatches.push({ key: 'contains', expected: JSON.stringify(part), actual: shownText });
  }
  if (expect.matches && (text === undefined || !testRegex(expect.matches, text))) mismatches.push({ key: 'matches', expected: String(expect.matches), actual: shownText });
  if (expect.type !== undefined && message.type !== expect.type) mismatches.push({ key: 'type', expected: expect.type, actual: message.type });
  if (expect.category !== undefined && message.category !== expect.category) mismatches.push({ key: 'category', expected: expect.category, actual: message.category });
  if (expect.to !== undefined && message.receiverType !== expect.to) mismatches.push({ key: 'to', expected: expect.to, actual: message.receiverType });
  if (expect.receiver !== undefined && message.receiver !== expect.receiver) mismatches.push({ key: 'receiver', expected: expect.receiver, actual: message.receiver });
  if (expect.thread !== undefined && Boolean(message.parentId) !== expect.thread) {
    mismatches.push({ key: 'thread', expected: expect.thread ? 'a thread reply' : 'not a thread reply', actual: message.parentId ? `a thread reply to #${message.parentId}` : 'not a thread reply' });
  }
  for (const j of expect.json ?? []) {
    const mismatch = matchJson(j, message, testRegex);
    if (mismatch) mismatches.push(mismatch);
  }
  return mismatches;
}

function matchJson(j: JsonExpectation, message: BotMessage, testRegex: RegexTest): Mismatch | undefined {
  const found = getPath(message, j.path);
  const actual = found.present ? JSON.stringify(found.value) : '(absent)';
  if (j.regex) {
    const ok = found.present && (typeof found.value === 'string' || typeof found.value === 'number') && testRegex(j.regex, String(found.value));
    return ok ? undefined : { key: `json ${j.path}`, expected: String(j.regex), actual };
  }
  return found.present && deepEqual(found.value, j.equals) ? undefined : { key: `json ${j.path}`, expected: JSON.stringify(j.equals), actual };
}

/** A dot path into a JSON value; own properties only. */
export function getPath(value: unknown, path: string): { present: boolean; value?: unknown } {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return { present: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { present: true, value: current };
}

function inProcess(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return regex.test(text);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** "text, contains" — each kind of check that failed, once. */
export function mismatchSummary(mismatches: Mismatch[]): string {
  return [...new Set(mismatches.map((m) => m.key))].join(', ');
}

/** The "- expected / + actual" lines of a failure. */
export function diffLines(mismatches: Mismatch[]): string[] {
  return mismatches.flatMap((m) => [`- ${m.key}: ${m.expected}`, `+ ${m.key}: ${m.actual}`]);
}

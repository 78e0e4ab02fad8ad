// Local validation rules: run before any request so a bad value costs nothing.
import { UsageError } from '../errors.js';

export const REGIONS = ['us', 'eu', 'in'] as const;
export type Region = (typeof REGIONS)[number];

import { GROUP_CHAT_SETTINGS as GROUP_SETTINGS, type GroupChatSetting } from './group-chat-setting.js';
export { GROUP_SETTINGS, type GroupChatSetting };

const UID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** CometChat: a bot UID must be under 50 characters. */
export const MAX_BOT_UID = 49;
/** CometChat's limit for the Basic Auth username and password of a bot. */
export const MAX_CREDENTIAL = 50;
/** ngrok's edge Basic Auth wants a password of at least 8 characters. */
export const MIN_PASSWORD = 8;

export interface UidResult {
  uid: string;
  lowercased: boolean;
}

/** True for a UID CometChat accepts for a bot: letters, digits, - and _, under 50 characters. */
export function isValidUid(value: string): boolean {
  return UID_PATTERN.test(value) && value.length <= MAX_BOT_UID;
}

export function validateUid(raw: string, flag = '--uid'): UidResult {
  const value = raw.trim();
  if (!value) throw new UsageError(`${flag} is empty`, `pass a UID of letters, digits, - and _, e.g. ${flag} support-bot`);
  if (!UID_PATTERN.test(value)) {
    throw new UsageError(
      `invalid UID "${value}": only letters, digits, - and _ are allowed`,
      `pick a UID such as ${flag} ${value.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'my-bot'}`,
    );
  }
  if (value.length > MAX_BOT_UID) {
    throw new UsageError(
      `invalid UID "${value}": ${value.length} characters, a bot UID must be under 50`,
      `pick a shorter UID with ${flag}`,
    );
  }
  const uid = value.toLowerCase();
  return { uid, lowercased: uid !== value };
}

export function validateRegion(raw: string): Region {
  const value = raw.trim().toLowerCase();
  if ((REGIONS as readonly string[]).includes(value)) return value as Region;
  throw new UsageError(`invalid region "${raw}": expected one of ${REGIONS.join(', ')}`, 'the region is shown next to your app in the CometChat dashboard, e.g. --region us');
}

export function validateGroupSetting(raw: string): GroupChatSetting {
  const found = GROUP_SETTINGS.find((s) => s.toLowerCase() === raw.trim().toLowerCase());
  if (found) return found;
  throw new UsageError(`invalid group setting "${raw}": expected one of ${GROUP_SETTINGS.join(', ')}`, 'e.g. --group-setting mentionedMessages');
}

export function validateAppId(raw: string): string {
  const value = raw.trim();
  if (!/^[A-Za-z0-9]+$/.test(value)) {
    throw new UsageError(`invalid app id "${value}": expected letters and digits only`, 'copy the App ID from the CometChat dashboard (API & Auth Keys), e.g. --app-id 2541abc12');
  }
  return value;
}

export function validateApiKey(raw: string): string {
  const value = raw.trim();
  if (!value || /\s/.test(value)) {
    throw new UsageError('invalid REST API key: it is empty or contains spaces', 'copy the REST API Key (fullAccess) from the dashboard and set COMETCHAT_API_KEY');
  }
  return value;
}

export function validateCredential(raw: string, what: 'username' | 'password', flag: string): string {
  if (!/^[A-Za-z0-9]+$/.test(raw)) {
    throw new UsageError(`invalid callback ${what}: letters and digits only (CometChat's rule)`, `pass another value with ${flag}, or omit it to generate one`);
  }
  if (raw.length > MAX_CREDENTIAL) throw new UsageError(`invalid callback ${what}: ${raw.length} characters, at most ${MAX_CREDENTIAL}`, `pass a shorter value with ${flag}`);
  if (what === 'password' && raw.length < MIN_PASSWORD) {
    throw new UsageError(`invalid callback password: at least ${MIN_PASSWORD} characters are needed (ngrok's edge auth)`, `pass a longer value with ${flag}`);
  }
  return raw;
}

/** An example that fits the flag: an API base URL, an avatar image, or a bot's webhook. */
function exampleUrl(flag: string): string {
  if (/api-url|API_URL/i.test(flag)) return 'http://127.0.0.1:4747/v3';
  if (flag === '--avatar') return 'https://example.com/avatar.png';
  return 'http://127.0.0.1:3000/bot';
}

export function validateUrl(raw: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`invalid URL for ${flag}: "${raw}"`, flag.startsWith('--') ? `pass a full URL such as ${flag} ${exampleUrl(flag)}` : `set it to a full URL such as ${exampleUrl(flag)}, or unset it`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid URL for ${flag}: only http and https are supported`, `pass a URL such as ${exampleUrl(flag)}`);
  }
  return url;
}

export function parseJsonObject(raw: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`invalid JSON for ${flag}: ${(e as Error).message}`, `quote it for the shell, e.g. ${flag} '{"key":"value"}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`invalid JSON for ${flag}: expected an object`, `e.g. ${flag} '{"key":"value"}'`);
  }
  return value as Record<string, unknown>;
}

/** A port example that fits each flag's default. */
const EXAMPLE_PORT: Record<string, number> = { '--port': 3978, '--inspect-port': 3979, '--api-port': 4747 };

export function parsePort(raw: string, flag = '--port'): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 0 || n > 65535) {
    throw new UsageError(`invalid ${flag} "${raw}": expected a number from 0 to 65535`, `e.g. ${flag} ${EXAMPLE_PORT[flag] ?? 3978} (0 picks a free port)`);
  }
  return n;
}

/** A positive whole number for `flag` (e.g. --limit 20). */
export function parsePositiveInt(raw: string, flag = '--limit'): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new UsageError(`invalid ${flag} "${raw}": expected a positive whole number`, `e.g. ${flag} 20`);
  return Number(raw);
}

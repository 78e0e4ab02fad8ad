// What a profile holds and how flag > env > profile is resolved. Pure: callers pass the inputs in.
import type { GroupChatSetting, Region } from './validate.js';

export interface Profile {
  appId: string;
  region: Region;
  apiKey: string;
  apiUrl?: string;
  bot: { uid: string; name: string; groupChatSetting: GroupChatSetting };
  callback: { username: string; password: string };
  ngrokAuthtoken?: string;
  ngrokDomain?: string;
}

export interface ConfigFile {
  version: 1;
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

export function emptyConfig(): ConfigFile {
  return { version: 1, profiles: {} };
}

/** flag > env > profile > fallback; empty strings count as absent. */
export function pick<T>(...values: (T | undefined | null | '')[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v as T;
  return undefined;
}

export function apiBaseUrl(appId: string, region: string, override?: string): string {
  if (override) return override.replace(/\/+$/, '');
  return `https://${appId}.api-${region}.cometchat.io/v3`;
}

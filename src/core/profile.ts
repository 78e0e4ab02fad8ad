// What a profile holds and how flag > env > profile is resolved. Pure: callers pass the inputs in.
import type { GroupChatSetting, Region } from './validate.js';
import { GROUP_CHAT_SETTINGS } from './group-chat-setting.js';

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

/** A profile by name, own properties only: `--profile __proto__` or `constructor` is simply not found. */
export function findProfile(config: ConfigFile, name: string): Profile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

const REGIONS = ['us', 'eu', 'in'];
const GROUP_SETTINGS: readonly string[] = GROUP_CHAT_SETTINGS;

/**
 * Checks a profile read from config.json (it may have been edited by hand): the first problem, as the
 * field's path and what is wrong ("callback.password: missing"), or undefined when it is sound. A
 * profile without callback credentials would make listen accept anything, so it is refused.
 */
export function profileProblem(profile: unknown): string | undefined {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return 'not an object';
  const p = profile as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!str(p.appId)) return 'appId: missing or not a string';
  if (typeof p.region !== 'string' || !REGIONS.includes(p.region)) return `region: ${JSON.stringify(p.region)} is not one of ${REGIONS.join(', ')}`;
  if (!str(p.apiKey)) return 'apiKey: missing or not a string';
  if (p.apiUrl !== undefined && (typeof p.apiUrl !== 'string' || !/^https?:\/\/\S+$/.test(p.apiUrl))) return 'apiUrl: not an http(s) URL';
  if (!obj(p.bot)) return 'bot: missing';
  if (!str(p.bot.uid)) return 'bot.uid: missing or not a string';
  if (!str(p.bot.name)) return 'bot.name: missing or not a string';
  if (typeof p.bot.groupChatSetting !== 'string' || !GROUP_SETTINGS.includes(p.bot.groupChatSetting)) return `bot.groupChatSetting: ${JSON.stringify(p.bot.groupChatSetting)} is not one of ${GROUP_SETTINGS.join(', ')}`;
  if (!obj(p.callback)) return 'callback: missing (the callback credentials listen checks)';
  if (!str(p.callback.username)) return 'callback.username: missing or not a string';
  if (!str(p.callback.password)) return 'callback.password: missing or not a string';
  for (const key of ['ngrokAuthtoken', 'ngrokDomain'] as const) if (p[key] !== undefined && !str(p[key])) return `${key}: not a string`;
  return undefined;
}

/** The settings a command may take from a flag, the environment or the profile. */
export interface Settings {
  appId?: string;
  region?: string;
  apiKey?: string;
  apiUrl?: string;
  ngrokAuthtoken?: string;
}

/**
 * The one place the rule is written: a flag beats the environment, the environment beats the profile.
 * Empty values count as absent. The REST base URL is then built from the result (apiBaseUrl).
 */
export function resolveSettings(flags: Settings, env: Settings, profile: Partial<Pick<Profile, keyof Settings>> | undefined): Settings {
  const out: Settings = {};
  for (const key of ['appId', 'region', 'apiKey', 'apiUrl', 'ngrokAuthtoken'] as const) {
    const value = pick(flags[key], env[key], profile?.[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

// `cometbot test --live`: which app, which base URL, which prefix — flags beat the environment, the
// environment beats the profile; a missing app id, region or key is a usage error naming each.
import { UsageError } from '../../errors.js';
import { apiBaseUrl, resolveSettings, type Settings } from '../../core/profile.js';
import type { Profile } from '../../core/profile.js';
import { validateRegion, validateUrl } from '../../core/validate.js';

export const DEFAULT_LIVE_PREFIX = 'cbt-';
const PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]{0,19}$/i;

export interface LiveFlags {
  live?: boolean;
  livePrefix?: string;
  keep?: boolean;
  appId?: string;
  region?: string;
  apiKey?: string;
  botUrl?: string;
  apiPort?: string;
  botPath?: string;
  startTimeout?: string;
  ackWithin?: string;
}

export interface LiveApp {
  appId: string;
  region: string;
  apiKey: string;
  baseUrl: string;
  prefix: string;
  keep: boolean;
}

/** Flags that make no sense with --live (or without it), refused before anything starts. */
export function checkLiveFlags(flags: LiveFlags, startsBot: boolean): void {
  if (!flags.live) {
    if (flags.livePrefix !== undefined) throw new UsageError('--live-prefix is for --live', 'add --live to run the files against a real app');
    if (flags.keep) throw new UsageError('--keep is for --live', 'add --live to run the files against a real app');
    return;
  }
  const why = 'with --live the bot is the one deployed on the app (its webhook URL), not one cometbot runs';
  if (startsBot) throw new UsageError('--live and -- COMMAND do not go together', `${why}: drop -- COMMAND`);
  for (const [flag, value] of [['--bot-url', flags.botUrl], ['--api-port', flags.apiPort], ['--bot-path', flags.botPath], ['--start-timeout', flags.startTimeout]] as const) {
    if (value !== undefined) throw new UsageError(`${flag} does not apply with --live`, why);
  }
  if (flags.ackWithin !== undefined) throw new UsageError('--ack-within does not apply with --live', "only the emulator sees the bot's answer to a callback; a real app's is not visible");
}

/** The app a live run plays against. `profile` is the selected profile, when there is one. */
export function resolveLiveApp(flags: LiveFlags, env: Settings, profile: Partial<Profile> | undefined, profileName: string): LiveApp {
  const settings = resolveSettings({ appId: flags.appId, region: flags.region, apiKey: flags.apiKey }, env, profile);
  const missing = [
    settings.appId ? undefined : 'the app id (COMETCHAT_APP_ID)',
    settings.region ? undefined : 'the region (COMETCHAT_REGION)',
    settings.apiKey ? undefined : 'the REST API key (COMETCHAT_API_KEY)',
  ].filter((m): m is string => m !== undefined);
  if (missing.length) {
    throw new UsageError(
      `--live needs ${missing.join(', ')}${profile ? ` (not in profile "${profileName}" either)` : ''}`,
      'set COMETCHAT_APP_ID, COMETCHAT_REGION and COMETCHAT_API_KEY (the key in an environment variable, not a flag), or run cometbot init',
    );
  }
  const region = validateRegion(settings.region!);
  if (settings.apiUrl) validateUrl(settings.apiUrl, env.apiUrl ? 'COMETBOT_API_URL' : 'the profile\'s apiUrl');
  const prefix = flags.livePrefix ?? DEFAULT_LIVE_PREFIX;
  if (!PREFIX_PATTERN.test(prefix)) throw new UsageError(`invalid --live-prefix "${prefix}": letters, digits, - and _, at most 20`, 'e.g. --live-prefix cbt- (alice becomes cbt-alice on the app)');
  return { appId: settings.appId!, region, apiKey: settings.apiKey!, baseUrl: apiBaseUrl(settings.appId!, region, settings.apiUrl), prefix: prefix.toLowerCase(), keep: flags.keep === true };
}

// Every environment variable cometbot reads, in one place. Nothing else touches process.env.
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

export interface EnvSettings {
  /** Overrides both the config dir and the data dir (captures). */
  home?: string;
  apiUrl?: string;
  appId?: string;
  region?: string;
  apiKey?: string;
  ngrokAuthtoken?: string;
  profile?: string;
  /** Basic Auth a test run signs callbacks with (overrides the profile's). */
  callbackUsername?: string;
  callbackPassword?: string;
  /** Standard proxy variables, honoured by the REST client (either case). */
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
  noColor: boolean;
  forceColor: boolean;
  ci: boolean;
  debug: boolean;
  /** Values set but not understood: said out loud (main.ts prints them), never silently ignored. */
  warnings: string[];
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

/** A yes/no variable; an unknown value is false and a warning. */
function flag(env: Env, name: string, warnings: string[]): boolean {
  const raw = env[name];
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (!FALSE.includes(v)) warnings.push(`${name}=${JSON.stringify(raw)} is not understood: use 1 or 0 (it counts as 0)`);
  return false;
}

export function readEnv(env: Env): EnvSettings {
  const warnings: string[] = [];
  return {
    home: nonEmpty(env.COMETBOT_HOME),
    apiUrl: nonEmpty(env.COMETBOT_API_URL),
    appId: nonEmpty(env.COMETCHAT_APP_ID),
    region: nonEmpty(env.COMETCHAT_REGION),
    apiKey: nonEmpty(env.COMETCHAT_API_KEY),
    ngrokAuthtoken: nonEmpty(env.NGROK_AUTHTOKEN),
    profile: nonEmpty(env.COMETBOT_PROFILE),
    callbackUsername: nonEmpty(env.COMETCHAT_CALLBACK_USERNAME),
    callbackPassword: nonEmpty(env.COMETCHAT_CALLBACK_PASSWORD),
    httpsProxy: nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy),
    httpProxy: nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy),
    noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy),
    // https://no-color.org: any non-empty value disables colour.
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    forceColor: env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false',
    ci: env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0',
    debug: flag(env, 'COMETBOT_DEBUG', warnings),
    warnings,
  };
}

function userHome(env: Env): string {
  return nonEmpty(env.HOME) ?? homedir();
}

/** Directory holding config.json; resolved per call so tests can swap the env. */
export function configDir(env: Env): string {
  const home = nonEmpty(env.COMETBOT_HOME);
  if (home) return home;
  return join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(userHome(env), '.config'), 'cometbot');
}

/** Directory holding one JSONL capture file per `listen` run. */
export function capturesDir(env: Env): string {
  const home = nonEmpty(env.COMETBOT_HOME);
  if (home) return join(home, 'captures');
  return join(nonEmpty(env.XDG_DATA_HOME) ?? join(userHome(env), '.local', 'share'), 'cometbot', 'captures');
}

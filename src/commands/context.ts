// What every command run needs: global flags, output, the profile. Heavy modules load lazily here.
import type { Deps } from '../deps.js';
import type { Output } from '../adapters/output.js';
import type { ConfigStore } from '../adapters/config-store.js';
import type { Profile } from '../core/profile.js';
import { apiBaseUrl, findProfile, profileProblem, resolveSettings } from '../core/profile.js';
import { readEnv } from '../env.js';
import { ConfigError, UsageError } from '../errors.js';
import { validateUrl } from '../core/validate.js';
import { version } from '../version.js';

export { globalOptions, type GlobalOptions } from './global-options.js';
import type { GlobalOptions } from './global-options.js';

export async function createOutput(deps: Deps, globals: GlobalOptions): Promise<Output> {
  const [{ Output }, { loadChalk, wantsColor }] = await Promise.all([import('../adapters/output.js'), import('../adapters/colors.js')]);
  // chalk is loaded only when one of the streams will really show colour.
  const colour = (!globals.json && wantsColor(deps.stdout, deps.env, !globals.color)) || wantsColor(deps.stderr, deps.env, !globals.color);
  return new Output(deps, { json: globals.json, color: globals.color }, colour ? await loadChalk() : undefined);
}

export async function openConfig(deps: Deps, out: Output): Promise<ConfigStore> {
  const { createConfigStore } = await import('../adapters/config-store.js');
  return createConfigStore(deps.env, (line) => out.warn(line));
}

export interface Connection {
  profile: Profile;
  baseUrl: string;
  apiKey: string;
}

/** Loads the profile and applies flag > env > profile for the API settings. */
export async function loadConnection(deps: Deps, out: Output, globals: GlobalOptions, flags: { apiUrl?: string } = {}): Promise<Connection> {
  const store = await openConfig(deps, out);
  const config = store.load();
  const profile = findProfile(config, globals.profile);
  if (!profile) {
    const known = Object.keys(config.profiles);
    throw new UsageError(
      `no profile "${globals.profile}" in ${store.file}`,
      known.length ? `run cometbot init --profile ${globals.profile}, or use one of: ${known.join(', ')}` : 'run cometbot init first',
    );
  }
  const problem = profileProblem(profile);
  if (problem) throw new ConfigError(`profile "${globals.profile}" in ${store.file} is invalid: ${problem}`, `fix that field by hand, or run cometbot init --profile ${globals.profile || '<name>'} again`);
  const env = readEnv(deps.env);
  const settings = resolveSettings({ apiUrl: flags.apiUrl }, env, profile);
  const appId = settings.appId!;
  const region = settings.region!;
  const apiKey = settings.apiKey!;
  if (!flags.apiUrl && env.apiUrl) validateUrl(env.apiUrl, 'COMETBOT_API_URL');
  const baseUrl = apiBaseUrl(appId, region, settings.apiUrl);
  return { profile: { ...profile, appId, region: region as Profile['region'], apiKey }, baseUrl, apiKey };
}

export async function createClient(out: Output, baseUrl: string, apiKey: string, env: Deps['env'], sleep?: Deps['sleep']) {
  const [{ createCometChatClient }, { proxyFor }] = await Promise.all([import('../adapters/cometchat-client.js'), import('../core/proxy.js')]);
  return createCometChatClient({
    baseUrl,
    apiKey,
    proxy: proxyFor(new URL(baseUrl), readEnv(env)),
    version: version(),
    ...(sleep ? { sleep } : {}),
    onRetry: ({ delayMs, reason }) => {
      if (!out.json) out.info(out.errColors.dim(`  ${reason}, retrying in ${(delayMs / 1000).toFixed(1)} s…`));
    },
  });
}

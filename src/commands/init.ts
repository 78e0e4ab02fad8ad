// `cometbot init`: ensure the bot's user and bot registration, then save a profile.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import type { Output } from '../adapters/output.js';
import type { BotOutcome, BotSettings } from '../provision/provision.js';
import type { Prompts } from '../adapters/prompts.js';
import { UsageError } from '../errors.js';
import { readEnv } from '../env.js';
import { apiBaseUrl, findProfile, pick, resolveSettings, type Profile } from '../core/profile.js';
import {
  GROUP_SETTINGS, REGIONS, validateApiKey, validateAppId, validateCredential, validateGroupSetting, validateRegion, validateUid, validateUrl,
  type GroupChatSetting,
} from '../core/validate.js';
import { generateCredentials } from '../core/credentials.js';
import { createClient, createOutput, globalOptions, openConfig, type GlobalOptions } from './context.js';

export interface InitFlags {
  appId?: string;
  region?: string;
  apiKey?: string;
  uid?: string;
  name?: string;
  avatar?: string;
  groupSetting?: string;
  callbackUser?: string;
  callbackPassword?: string;
  rotateCredentials?: boolean;
  ngrokAuthtoken?: string;
  apiUrl?: string;
  bot: boolean;
  yes: boolean;
}

export interface InitResult {
  profile: string;
  appId: string;
  region: string;
  bot: { uid: string; name: string };
  userCreated: boolean;
  botConfigured: boolean;
  callback: { username: string; password: string };
}

export const DEFAULT_GROUP_SETTING: GroupChatSetting = 'mentionedMessages';

export function registerInit(program: Command, deps: Deps): Command {
  return program
    .command('init')
    .description(SUMMARY.init)
    .option('--app-id <id>', 'CometChat App ID (env COMETCHAT_APP_ID)')
    .option('--region <region>', `app region: ${REGIONS.join('|')} (env COMETCHAT_REGION)`)
    .option('--api-key <key>', 'REST API Key, fullAccess (prefer env COMETCHAT_API_KEY or the prompt: argv is visible to other users)')
    .option('--uid <uid>', "the bot's UID: letters, digits, - and _, under 50 characters")
    .option('--name <name>', "the bot's display name (default: the UID)")
    .option('--avatar <url>', "the bot's avatar URL")
    .option('--group-setting <setting>', `which group messages reach the bot: ${GROUP_SETTINGS.join('|')} (default ${DEFAULT_GROUP_SETTING})`)
    .option('--callback-user <name>', 'Basic Auth username for the callback (default: generated)')
    .option('--callback-password <password>', 'Basic Auth password for the callback (default: generated, 32 characters)')
    .option('--rotate-credentials', 'make new callback credentials even when the bot already has some (every other listener of this bot then gets 401)')
    .option('--ngrok-authtoken <token>', 'ngrok authtoken to store for listen (prefer env NGROK_AUTHTOKEN)')
    .option('--api-url <url>', 'REST base URL instead of https://{appId}.api-{region}.cometchat.io/v3 (env COMETBOT_API_URL)')
    .option('--no-bot', 'only ensure the user; do not register the bot through /bots')
    .option('-y, --yes', 'accept every default without asking')
    .addHelpText(
      'after',
      `
Examples:
  $ COMETCHAT_API_KEY=... cometbot init --app-id 2541abc --region eu --uid support-bot --name "Support Bot"
  $ cometbot init                       # asks for what is missing (on a terminal)
  $ cometbot --profile staging init --app-id 99xyz --region us --uid helper --json`,
    )
    .action(async (raw: InitFlags, cmd: Command) => {
      await runInit(raw, deps, globalOptions(cmd, deps));
    });
}

export async function runInit(flags: InitFlags, deps: Deps, globals: GlobalOptions): Promise<InitResult> {
  for (const [key, flag] of [['appId', '--app-id'], ['region', '--region'], ['apiKey', '--api-key'], ['uid', '--uid'], ['name', '--name'], ['groupSetting', '--group-setting'], ['apiUrl', '--api-url'], ['avatar', '--avatar']] as const) {
    if (flags[key] !== undefined && flags[key]!.trim() === '') throw new UsageError(`${flag} is empty`, `give a value, or leave ${flag} out to use the profile's`);
  }
  const out = await createOutput(deps, globals);
  const store = await openConfig(deps, out);
  const config = store.load(); // a corrupt file stops here, before anything is sent or overwritten
  const existing: Profile | undefined = findProfile(config, globals.profile);
  const env = readEnv(deps.env);
  const ask = await canAsk(deps, env.ci);
  const prompt = async <T>(q: (p: Prompts) => Promise<T>): Promise<T> => q(await deps.prompts());
  const required = async (flag: string, given: string | undefined, q: (p: Prompts) => Promise<string>): Promise<string> => {
    if (given !== undefined) return given;
    if (!ask) {
      // A secret is best given through the environment (a command line is visible in ps).
      const how = flag.startsWith('--api-key') ? 'set COMETCHAT_API_KEY (better than --api-key: a command line is visible to other users)' : `pass ${flag.split(' ')[0]} <value>`;
      throw new UsageError(`missing ${flag}`, `${how}, or run cometbot init on a terminal to be asked`);
    }
    return prompt(q);
  };
  /** A value with a default: asked on a terminal unless --yes, else the default. */
  const optional = async (given: string | undefined, fallback: string, q: (p: Prompts) => Promise<string>): Promise<string> =>
    given ?? (ask && !flags.yes ? prompt(q) : fallback);

  const settings = resolveSettings(flags, env, existing);
  const appId = validateAppId(
    await required('--app-id', settings.appId, (p) => p.input({ message: 'CometChat App ID', validate: check(validateAppId) })),
  );
  const regionGiven = settings.region ?? (flags.yes ? 'us' : undefined);
  const region = validateRegion(
    await required('--region', regionGiven, (p) => p.select({ message: 'Region', choices: REGIONS.map((r) => ({ value: r })), default: 'us' })),
  );
  const apiKey = validateApiKey(
    await required('--api-key (or env COMETCHAT_API_KEY)', settings.apiKey, (p) =>
      p.password({ message: 'REST API Key (fullAccess, not the Auth Key)', validate: check(validateApiKey) }),
    ),
  );
  const uidRaw = await required('--uid', pick(flags.uid, existing?.bot.uid), (p) => p.input({ message: 'Bot UID', default: 'my-bot', validate: check(validateUid) }));
  const { uid, lowercased } = validateUid(uidRaw);
  if (lowercased) out.info(`note: UID lower-cased to "${uid}", as CometChat does`);
  // The profile's bot, if it is this bot: a new --uid starts from its own name and credentials.
  const sameBot = existing?.bot.uid === uid ? existing : undefined;
  const name = await optional(pick(flags.name, sameBot?.bot.name), uid, (p) => p.input({ message: 'Bot display name', default: uid }));
  const groupChatSetting = validateGroupSetting(
    await optional(pick(flags.groupSetting, existing?.bot.groupChatSetting), DEFAULT_GROUP_SETTING, (p) =>
      p.select({ message: 'Which group messages reach the bot?', choices: GROUP_SETTINGS.map((s) => ({ value: s })), default: DEFAULT_GROUP_SETTING }),
    ),
  );
  if (flags.avatar) validateUrl(flags.avatar, '--avatar');
  const apiUrlOverride = settings.apiUrl;
  if (apiUrlOverride) validateUrl(apiUrlOverride, '--api-url');
  const generated = generateCredentials(deps.randomBytes);
  const given = flags.callbackUser || flags.callbackPassword || flags.rotateCredentials ? undefined : sameBot?.callback;
  let callback = {
    username: flags.callbackUser ? validateCredential(flags.callbackUser, 'username', '--callback-user') : given?.username ?? generated.username,
    password: flags.callbackPassword ? validateCredential(flags.callbackPassword, 'password', '--callback-password') : given?.password ?? generated.password,
  };
  // Credentials named by a flag or this profile are ours to set; otherwise a bot that already has Basic
  // Auth keeps its own (another home or profile may be listening with them) unless --rotate-credentials.
  const mayAdopt = !given && !flags.callbackUser && !flags.callbackPassword && !flags.rotateCredentials;

  // Everything is valid locally, and the profile can be saved: only now talk to CometChat.
  store.checkWritable();
  const baseUrl = apiBaseUrl(appId, region, apiUrlOverride);
  const client = await createClient(out, baseUrl, apiKey, deps.env, deps.sleep);
  const { ensureUser, ensureBot } = await import('../provision/provision.js');
  const userOutcome = await out.spin(`Checking user ${uid}…`, ensureUser(client, { uid, name, avatar: flags.avatar }));
  out.success(userOutcome === 'reused' ? `user ${uid} already exists: reusing it` : `created user ${uid} (${name})`);
  const userCreated = userOutcome === 'created';
  let botConfigured = false;
  if (flags.bot !== false) {
    const outcome = await out.spin(`Registering bot ${uid}…`, ensureBot(client, { uid, groupChatSetting, ...callback }, mayAdopt));
    renderBotOutcome(outcome, { uid, groupChatSetting, ...callback }, out);
    botConfigured = outcome.kind !== 'refused';
    callback = outcome.credentials;
  } else {
    out.info(`skipped bot registration (--no-bot)`);
  }

  const profile: Profile = {
    appId,
    region,
    apiKey,
    // The base URL init used when it is not the default (--api-url or COMETBOT_API_URL): a new
    // terminal without the variable still reaches the same API, never the real one by surprise.
    ...(apiUrlOverride ? { apiUrl: apiUrlOverride.replace(/\/+$/, '') } : {}),
    bot: { uid, name, groupChatSetting },
    callback,
    // Only a token given to init (or already saved) is stored, never one from the environment.
    ...(pick(flags.ngrokAuthtoken, existing?.ngrokAuthtoken) ? { ngrokAuthtoken: pick(flags.ngrokAuthtoken, existing?.ngrokAuthtoken) } : {}),
    ...(existing?.ngrokDomain ? { ngrokDomain: existing.ngrokDomain } : {}),
  };
  if (JSON.stringify(existing) !== JSON.stringify(profile)) {
    store.save({ ...config, profiles: { ...config.profiles, [globals.profile]: profile } });
    out.success(`profile "${globals.profile}" saved to ${store.file}`);
  } else {
    out.success(`profile "${globals.profile}" unchanged (${store.file})`);
  }

  const result: InitResult = { profile: globals.profile, appId, region, bot: { uid, name }, userCreated, botConfigured, callback };
  if (globals.json) {
    out.jsonLine(result);
  } else {
    out.info('');
    const hasToken = Boolean(profile.ngrokAuthtoken || env.ngrokAuthtoken);
    out.info(`Next: ${out.errColors.bold('cometbot listen')} to receive callbacks${hasToken ? ' (through an ngrok tunnel: your token is set)' : ' (add an ngrok token for a public URL: cometbot init --ngrok-authtoken, or NGROK_AUTHTOKEN)'}`);
    out.info(`      ${out.errColors.bold(`cometbot say --to <uid> "hello"`)} to send a message as ${uid}`);
  }
  return result;
}

async function canAsk(deps: Deps, ci: boolean): Promise<boolean> {
  const { canPrompt } = await import('../adapters/prompts.js');
  return canPrompt(deps, ci);
}

/** Adapts a throwing validator to inquirer's validate (true or the message to show). */
function check(validate: (v: string) => unknown): (v: string) => true | string {
  return (v) => {
    try {
      validate(v);
      return true;
    } catch (e) {
      return (e as Error).message;
    }
  };
}

/** What the registration did, as init says it; a refused /bots API gets the dashboard steps. */
function renderBotOutcome(outcome: BotOutcome, bot: BotSettings, out: Output): void {
  if (outcome.kind !== 'refused') {
    if (outcome.adopted) out.info(`bot ${bot.uid} already has Basic Auth: keeping its credentials (--rotate-credentials makes new ones)`);
    if (outcome.kind === 'created') out.success(`registered bot ${bot.uid} with Basic Auth (it is enabled when cometbot listen sets its webhook URL)`);
    else if (outcome.kind === 'updated') out.success(`updated bot ${bot.uid} (Basic Auth, group setting ${bot.groupChatSetting})`);
    else out.success(`bot ${bot.uid} already registered with these settings`);
    return;
  }
  // /bots is new and may not exist for every plan or region: never fail init for it.
  out.warn(`the /bots API was refused (${outcome.code}, HTTP ${outcome.status}); register the bot in the dashboard instead:`);
  out.info(`  Dashboard → AI Agents → Custom Bots → Add`);
  out.info(`    UID:           ${bot.uid}`);
  out.info(`    URL:           the public URL that cometbot listen prints`);
  out.info(`    Group setting: ${bot.groupChatSetting}`);
  // The password has to be pasted, so a person at a terminal sees it; a log (piped stderr) does not.
  const password = out.interactiveStderr ? outcome.credentials.password : '(hidden off a terminal: see callback.password in cometbot init --json, or the profile)';
  out.info(`    Security:      Basic Auth, username ${outcome.credentials.username}, password ${password}`);
  out.info(`    Enable:        on`);
}

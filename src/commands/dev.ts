// `cometbot dev -- COMMAND`: the development loop. The bot runs under a file watcher and restarts on save;
// either a local emulator with its chat prompt plays CometChat (--emulate), or listen's tunnel brings
// the real CometChat's callbacks and forwards them to the bot (--tunnel).
import type { Command } from 'commander';
import { collect } from '../core/collect.js';
import type { Deps } from '../deps.js';
import type { Output } from '../adapters/output.js';
import type { DevSession, EmulatedApp, TunnelledApp } from '../bot-process/dev-session.js';
import type { Printer } from './emulate.js';
import { SUMMARY } from './summaries.js';
import { CancelledError, UsageError } from '../errors.js';
import { parseDuration } from '../core/duration.js';
import { parsePort, validateUid } from '../core/validate.js';
import { safeLine } from '../core/terminal-text.js';
import { readEnv } from '../env.js';
import { generateCredentials } from '../core/credentials.js';
import { DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import { createClient, createOutput, globalOptions, loadConnection, type Connection, type GlobalOptions } from './context.js';
import { splitCommand } from './test.js';

export interface DevFlags {
  emulate?: boolean;
  tunnel?: boolean;
  watch?: string[];
  botPath?: string;
  apiPort?: string;
  startTimeout?: string;
  uid?: string;
  as?: string;
  cleanup?: boolean;
  watchExt?: string[];
}

export function registerDev(program: Command, deps: Deps): Command {
  return program
    .command('dev')
    .description(SUMMARY.dev)
    .usage('[options] -- COMMAND [ARG...]')
    .argument('[command...]', 'the bot’s command line, after --')
    .option('--emulate', 'a local emulator plays CometChat, with a chat prompt (the default without a profile)')
    .option('--tunnel', 'the real CometChat through listen’s tunnel; callbacks forwarded to the bot (the default with a profile)')
    .option('--watch <path>', 'restart the bot when a file under PATH changes (default: the current folder); repeatable', collect, [])
    .option('--watch-ext <ext>', 'also restart on changes to files with this extension (code restarts by default, data files do not); repeatable', collect, [])
    .option('--bot-path <path>', 'the webhook path on the bot (default /)')
    .option('--api-port <n>', `--emulate: the emulator's port (default ${DEFAULT_EMULATOR_PORT}; 0 = any)`)
    .option('--start-timeout <duration>', 'how long the bot may take to listen on $PORT (default 15s)')
    .option('--uid <uid>', '--emulate: the bot’s uid (default: the profile’s bot, else dev-bot)')
    .option('--as <uid>', '--emulate: who you are at the chat prompt', 'alice')
    .option('--cleanup', '--tunnel: disable the bot on exit, as listen --cleanup does')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot dev -- node bot.js                  # emulator + chat prompt; the bot restarts on save
  $ cometbot dev --watch src -- npm start
  $ cometbot dev --tunnel -- python3 bot.py      # real CometChat through the tunnel

The bot gets PORT, COMETCHAT_APP_ID, COMETCHAT_REGION, COMETCHAT_API_KEY, COMETCHAT_API_URL,
COMETCHAT_BOT_UID and the callback credentials in its environment; with --emulate its calls to
*.cometchat.io are routed to the emulator, unchanged. Ctrl-C stops the bot, the emulator or tunnel,
and exits 0; a second Ctrl-C exits 130 at once.`,
    )
    .action(async (operands: string[], raw: DevFlags, cmd: Command) => {
      const { command } = splitCommand(operands, (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? []);
      await runDev(command.length ? command : operands, raw, deps, globalOptions(cmd, deps));
    });
}


export async function runDev(command: string[], flags: DevFlags, deps: Deps, globals: GlobalOptions): Promise<void> {
  if (command.length === 0) throw new UsageError('no bot command', 'give the command that runs your bot after --: cometbot dev -- node bot.js');
  if (flags.emulate && flags.tunnel) throw new UsageError('--emulate and --tunnel exclude each other', 'pick one');
  const startTimeoutMs = flags.startTimeout === undefined ? 15_000 : (parseDuration(flags.startTimeout) ?? badDuration(flags.startTimeout));
  const apiPort = parsePort(flags.apiPort ?? String(DEFAULT_EMULATOR_PORT), '--api-port');
  const out = await createOutput(deps, globals);
  const conn = await loadConnection(deps, out, globals).catch((e: unknown) => {
    if (flags.tunnel) throw e; // the tunnel needs the profile; say why it cannot be read
    return undefined;
  });
  const mode = flags.tunnel || (!flags.emulate && conn) ? 'tunnel' : 'emulate';
  const uid = mode === 'emulate' ? validateUid(flags.uid ?? conn?.profile.bot.uid ?? 'dev-bot', '--uid').uid : conn!.profile.bot.uid;
  const cwd = deps.cwd();
  const botPort = await (await import('../adapters/free-port.js')).freePort();
  const botUrl = new URL(`http://127.0.0.1:${botPort}${flags.botPath ? (flags.botPath.startsWith('/') ? flags.botPath : `/${flags.botPath}`) : '/'}`);
  const [{ DevSession }, { capturesDir }] = await Promise.all([import('../bot-process/dev-session.js'), import('../env.js')]);
  const captures = capturesDir(deps.env);
  const session = new DevSession({
    command,
    env: { ...deps.env },
    cwd,
    botPort,
    botUrl,
    startTimeoutMs,
    watchPaths: flags.watch?.length ? flags.watch : [cwd],
    ignore: (path) => /(^|[\\/])(node_modules|\.[^\\/]+)([\\/]|$)/.test(path.slice(cwd.length)) || path.startsWith(captures),
    extraExtensions: flags.watchExt ?? [],
    stage: mode === 'emulate' ? { emulate: await emulatedBot(deps, conn, uid, apiPort) } : { tunnel: await tunnelledApp(deps, conn!, flags) },
  });

  // Ctrl-C: stop everything and exit 0; a second one: the bot's group is killed and 130 at once.
  const { untilStopped } = await import('./until-stopped.js');
  const signals = untilStopped(deps.signals);
  let stopRequested: () => void = () => undefined;
  const stopped = Promise.race([signals.stopped, new Promise<void>((resolve) => (stopRequested = resolve))]);
  const forced = signals.forced.then(() => {
    session.killNow();
    return 'forced' as const;
  });
  try {
    const printer: Printer = { before: () => undefined, after: () => undefined };
    renderLoop(session, out, command, printer);
    const { watchTurns, watchCallbacks } = await import('./dev-render.js');
    session.once('emulator', (emulator) => {
      out.info(`${out.errColors.bold('cometbot dev')}: a local CometChat at ${out.errColors.cyan(emulator.baseUrl)}, bot ${out.errColors.bold(uid)} at ${botUrl.href}`);
      watchTurns(emulator, out, uid, printer);
    });
    const ready = await session.start();
    if (ready.emulator) {
      const emulator = ready.emulator;
      const { canPrompt } = await import('../adapters/prompts.js');
      if (!globals.json && canPrompt(deps, false)) {
        const { chat } = await import('./emulate.js');
        void chat(emulator, deps, out, flags.as ?? 'alice', printer).then(() => stopRequested());
      } else {
        out.info(out.errColors.dim(`no terminal for a chat prompt: send messages to ${emulator.baseUrl} (POST /messages with onBehalfOf), Ctrl-C to stop`));
      }
    } else if (ready.listen) {
      watchCallbacks(ready.listen.session, out, uid);
      const { localUrl, publicUrl } = ready.listen.ready;
      out.info(`${out.errColors.bold('cometbot dev')}: CometChat's callbacks for bot ${out.errColors.bold(uid)} at ${publicUrl ?? localUrl}, forwarded to ${botUrl.href}`);
      if (!publicUrl) out.info(out.errColors.dim('no public URL (no ngrok authtoken): only an API on this machine can reach the bot'));
    }
    await stopped;
  } finally {
    const outcome = await Promise.race([session.close(), forced]);
    signals.dispose();
    // eslint-disable-next-line no-unsafe-finally -- a forced stop replaces whatever was thrown
    if (outcome === 'forced') throw new CancelledError('stopped at once by a second Ctrl-C', 'the bot was killed; run cometbot dev again');
  }
  out.info(out.errColors.dim('dev: bot stopped'));
}

function badDuration(value: string): never {
  throw new UsageError(`invalid --start-timeout "${value}"`, 'write a duration: --start-timeout 30s');
}

/** --emulate: the app the emulator plays (the environment's, else the profile's, else its defaults) and the bot. */
async function emulatedBot(deps: Deps, conn: Connection | undefined, uid: string, apiPort: number): Promise<EmulatedApp> {
  const { emulatedApp } = await import('../testing/emulated-app.js');
  const app = emulatedApp([], {}, readEnv(deps.env), conn?.profile);
  return {
    apiPort,
    appId: app.appId,
    region: app.region,
    ...(app.anyApiKey ? {} : { apiKey: app.apiKey }),
    uid,
    name: conn?.profile.bot.name ?? uid,
    groupChatSetting: conn?.profile.bot.groupChatSetting ?? 'mentionedMessages',
    credentials: generateCredentials(deps.randomBytes),
    now: deps.now,
    ...(deps.env.SSL_CERT_FILE ? { userCaFile: deps.env.SSL_CERT_FILE } : {}),
  };
}

/** --tunnel: listen's session (tunnel, registration, forwarding) for the profile's bot and app. */
async function tunnelledApp(deps: Deps, conn: Connection, flags: DevFlags): Promise<TunnelledApp> {
  const [{ listenSessionOptions }, { capturesDir }, { resolveSettings }] = await Promise.all([import('../listen/options.js'), import('../env.js'), import('../core/profile.js')]);
  const out = await createOutput({ ...deps }, { profile: '', json: true, color: false });
  let client: ReturnType<typeof createClient> | undefined;
  const authtoken = resolveSettings({}, readEnv(deps.env), conn.profile).ngrokAuthtoken;
  const { profile } = conn;
  return {
    listen: listenSessionOptions({
      options: { host: '127.0.0.1', port: 0, path: '/' },
      credentials: profile.callback,
      capturesDir: capturesDir(deps.env),
      now: deps.now,
      randomBytes: deps.randomBytes,
      client: () => (client ??= createClient(out, conn.baseUrl, conn.apiKey, deps.env, deps.sleep)),
      botUid: profile.bot.uid,
      apiUrl: conn.baseUrl,
      tunnel: authtoken ? { opener: deps.openTunnel, authtoken, domain: profile.ngrokDomain } : undefined,
      register: true,
      cleanup: Boolean(flags.cleanup),
    }),
    bot: { appId: profile.appId, region: profile.region, apiKey: conn.apiKey, apiUrl: conn.baseUrl, uid: profile.bot.uid, credentials: profile.callback },
  };
}

/** The loop's events, each printed with the chat prompt stepped aside and redrawn after (printer). */
function renderLoop(loop: DevSession, out: Output, command: string[], printer: Printer): void {
  const shown = safeLine(command.join(' '));
  const print = (write: () => void) => {
    printer.before();
    write();
    printer.after();
  };
  loop.on('started', ({ pid, restart }) => print(() => out.success(`${restart ? 'restarted' : 'started'} ${shown} (pid ${pid})`)));
  loop.on('restarting', ({ path }) => print(() => out.info(out.errColors.yellow(`↻ ${safeLine(path)} changed: restarting the bot`))));
  loop.on('crashed', ({ code, signal }) => print(() => out.warn(`the bot exited (${signal ?? `code ${code}`}); it restarts when a watched file changes`)));
  loop.on('start-failed', ({ message }) => print(() => out.warn(`${safeLine(message)}; fix it and save: the bot restarts`)));
  loop.on('watch-problem', ({ message }) => print(() => out.warn(safeLine(message))));
  loop.on('output', ({ line }) => print(() => out.info(`${out.errColors.dim('bot │')} ${safeLine(line)}`)));
}


// `cometbot dev -- COMMAND`: the development loop. The bot runs under a file watcher and restarts on save;
// either a local emulator with its chat prompt plays CometChat (--emulate), or listen's tunnel brings
// the real CometChat's callbacks and forwards them to the bot (--tunnel).
import type { Command } from 'commander';
import { collect } from '../core/collect.js';
import type { Deps } from '../deps.js';
import type { Output } from '../adapters/output.js';
import type { Emulator } from '../emulator/server.js';
import type { DevLoop } from '../bot-process/dev-loop.js';
import type { Printer } from './emulate.js';
import { SUMMARY } from './summaries.js';
import { CancelledError, CliError, UsageError } from '../errors.js';
import { parseDuration } from '../core/duration.js';
import { parsePort, validateUid } from '../core/validate.js';
import { safeLine } from '../core/terminal-text.js';
import { readEnv } from '../env.js';
import { generateCredentials } from '../core/credentials.js';
import { DEFAULT_EMULATOR_KEY, DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import { createOutput, globalOptions, loadConnection, type Connection, type GlobalOptions } from './context.js';
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


export async function runDev(command: string[], flags: DevFlags, deps: Deps, g: GlobalOptions): Promise<void> {
  if (command.length === 0) throw new UsageError('no bot command', 'give the command that runs your bot after --: cometbot dev -- node bot.js');
  if (flags.emulate && flags.tunnel) throw new UsageError('--emulate and --tunnel exclude each other', 'pick one');
  const startTimeoutMs = flags.startTimeout === undefined ? 15_000 : (parseDuration(flags.startTimeout) ?? badDuration(flags.startTimeout));
  const apiPort = parsePort(flags.apiPort ?? String(DEFAULT_EMULATOR_PORT), '--api-port');
  const out = await createOutput(deps, g);
  const conn = await loadConnection(deps, out, g).catch((e: unknown) => {
    if (flags.tunnel) throw e; // the tunnel needs the profile; say why it cannot be read
    return undefined;
  });
  const mode = flags.tunnel || (!flags.emulate && conn) ? 'tunnel' : 'emulate';
  const cwd = process.cwd();
  const botPort = await (await import('../adapters/free-port.js')).freePort();
  const botUrl = new URL(`http://127.0.0.1:${botPort}${flags.botPath ? (flags.botPath.startsWith('/') ? flags.botPath : `/${flags.botPath}`) : '/'}`);
  const { DevLoop } = await import('../bot-process/dev-loop.js');
  const { capturesDir } = await import('../env.js');
  const captures = capturesDir(deps.env);
  const ignore = (path: string) => /(^|[\\/])(node_modules|\.[^\\/]+)([\\/]|$)/.test(path.slice(cwd.length)) || path.startsWith(captures);

  const stack: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of stack.splice(0).reverse()) await close().catch(() => undefined);
  };
  // Ctrl-C: stop everything and exit 0; a second one: the bot's group is killed and 130 at once.
  const { untilStopped } = await import('./until-stopped.js');
  const signals = untilStopped(deps.signals);
  let stopRequested: () => void = () => undefined;
  const stopped = Promise.race([signals.stopped, new Promise<void>((resolve) => (stopRequested = resolve))]);
  let loop: DevLoop | undefined;
  const forced = signals.forced.then(() => {
    loop?.killNow();
    return 'forced' as const;
  });
  try {
    let env: Record<string, string | undefined>;
    let emulator: Emulator | undefined;
    let keeperDirs: string[] = [];
    let uid: string;
    if (mode === 'emulate') {
      uid = validateUid(flags.uid ?? conn?.profile.bot.uid ?? 'dev-bot', '--uid').uid;
      const started = await startEmulated(deps, conn, uid, botUrl, apiPort, stack, command);
      emulator = started.emulator;
      env = started.env;
      keeperDirs = [started.runDir];
      out.info(`${out.ce.bold('cometbot dev')}: a local CometChat at ${out.ce.cyan(emulator.baseUrl)}, bot ${out.ce.bold(uid)} at ${botUrl.href}`);
    } else {
      uid = conn!.profile.bot.uid;
      const { botEnvironment } = await import('../bot-process/bot-env.js');
      env = botEnvironment({ appId: conn!.profile.appId, region: conn!.profile.region, apiKey: conn!.apiKey, apiUrl: conn!.baseUrl, botUid: uid, credentials: conn!.profile.callback });
    }
    loop = new DevLoop({
      bot: { command: command[0]!, args: command.slice(1), env: { ...deps.env, ...env, PORT: String(botPort) }, cwd, keeperDirs },
      port: botPort,
      startTimeoutMs,
      watchPaths: flags.watch?.length ? flags.watch : [cwd],
      ignore,
      cwd,
      extraExtensions: flags.watchExt ?? [],
    });
    const started = loop;
    stack.push(() => started.close());
    const printer: Printer = { before: () => undefined, after: () => undefined };
    renderLoop(started, out, command, printer);
    await started.start();

    if (mode === 'emulate') {
      const { watchTurns } = await import('./dev-render.js');
      watchTurns(emulator!, out, uid, printer);
      const { canPrompt } = await import('../adapters/prompts.js');
      if (!g.json && canPrompt(deps, false)) {
        const { chat } = await import('./emulate.js');
        void chat(emulator!, deps, out, flags.as ?? 'alice', printer).then(() => stopRequested());
      } else {
        out.info(out.ce.dim(`no terminal for a chat prompt: send messages to ${emulator!.baseUrl} (POST /messages with onBehalfOf), Ctrl-C to stop`));
      }
      await stopped;
    } else {
      // listen runs the tunnel, registration and forwarding until Ctrl-C, which also ends this loop.
      const { runListen } = await import('./listen.js');
      await runListen({ tunnel: true, register: true, auth: true, cleanup: flags.cleanup, forwardTo: botUrl.href, quiet: true }, deps, g);
      stopRequested();
    }
  } finally {
    const outcome = await Promise.race([closeAll(), forced]);
    signals.dispose();
    // eslint-disable-next-line no-unsafe-finally -- a forced stop replaces whatever was thrown
    if (outcome === 'forced') throw new CancelledError('stopped at once by a second Ctrl-C', 'the bot was killed; run cometbot dev again');
  }
  out.info(out.ce.dim('dev: bot stopped'));
}

function badDuration(value: string): never {
  throw new UsageError(`invalid --start-timeout "${value}"`, 'write a duration: --start-timeout 30s');
}

/** The emulator, with the bot registered and its CometChat calls routed to it. */
async function startEmulated(deps: Deps, conn: Connection | undefined, uid: string, botUrl: URL, apiPort: number, stack: (() => Promise<unknown>)[], command: string[]) {
  const [{ Emulator }, { Routing }, { botEnvironment }] = await Promise.all([import('../emulator/server.js'), import('../bot-process/routing.js'), import('../bot-process/bot-env.js')]);
  const env = readEnv(deps.env);
  const appId = env.appId ?? conn?.profile.appId ?? 'emulator';
  const region = (env.region ?? conn?.profile.region ?? 'us').toLowerCase();
  const namedKey = env.apiKey;
  const emulator = new Emulator({ port: apiPort, appId, region, apiKey: namedKey ?? DEFAULT_EMULATOR_KEY, anyApiKey: namedKey === undefined, now: deps.now });
  try {
    await emulator.start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `--api-port ${apiPort} is already in use (is cometbot emulate running?)` : `cannot start the emulator (${code ?? (e as Error).message})`, 'pass --api-port 0 for any free port');
  }
  stack.push(() => emulator.close());
  const { startsJvm } = await import('../bot-process/routing.js');
  const routing = await Routing.start(new URL(emulator.url), { userCaFile: deps.env.SSL_CERT_FILE, jvm: command.length > 0 && startsJvm(command[0]!, command.slice(1)) });
  stack.push(() => routing.close());
  const credentials = generateCredentials(deps.randomBytes);
  const { backend } = emulator;
  backend.registerBot({ uid, name: conn?.profile.bot.name ?? uid, webhookURL: botUrl.href, groupChatSetting: conn?.profile.bot.groupChatSetting ?? 'mentionedMessages', ...credentials });
  if (backend.groups.find('team')) backend.addMembers('team', [uid]);
  return {
    emulator,
    runDir: routing.dir,
    env: {
      ...routing.env(deps.env.NODE_OPTIONS, { PYTHONPATH: deps.env.PYTHONPATH, JAVA_TOOL_OPTIONS: deps.env.JAVA_TOOL_OPTIONS }),
      ...botEnvironment({ appId, region, apiKey: emulator.apiKey, apiUrl: emulator.baseUrl, botUid: uid, credentials }),
    },
  };
}

/** The loop's events, each printed with the chat prompt stepped aside and redrawn after (printer). */
function renderLoop(loop: DevLoop, out: Output, command: string[], printer: Printer): void {
  const shown = safeLine(command.join(' '));
  const print = (write: () => void) => {
    printer.before();
    write();
    printer.after();
  };
  loop.on('started', ({ pid, restart }) => print(() => out.success(`${restart ? 'restarted' : 'started'} ${shown} (pid ${pid})`)));
  loop.on('restarting', ({ path }) => print(() => out.info(out.ce.yellow(`↻ ${safeLine(path)} changed: restarting the bot`))));
  loop.on('crashed', ({ code, signal }) => print(() => out.warn(`the bot exited (${signal ?? `code ${code}`}); it restarts when a watched file changes`)));
  loop.on('start-failed', ({ message }) => print(() => out.warn(`${safeLine(message)}; fix it and save: the bot restarts`)));
  loop.on('watch-problem', ({ message }) => print(() => out.warn(safeLine(message))));
  loop.on('output', ({ line }) => print(() => out.info(`${out.ce.dim('bot │')} ${safeLine(line)}`)));
}


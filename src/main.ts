// The commander program and the ONE place where errors become exit codes and stderr lines.
import { Command, CommanderError, Help } from 'commander';
import type { Deps } from './deps.js';
import { EXIT, isCliError } from './errors.js';
import { readEnv } from './env.js';
import { safeLine } from './core/terminal-text.js';
import { version } from './version.js';
import { SUMMARY, USAGE_TERM } from './commands/summaries.js';
import { registerTest } from './commands/test.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    runtime failure (network, CometChat API error, I/O)
  2    usage error (unknown flag, bad value, missing value with no TTY)
  130  cancelled (Ctrl-C at a prompt)

Environment:
  COMETCHAT_APP_ID, COMETCHAT_REGION, COMETCHAT_API_KEY   override the profile
  NGROK_AUTHTOKEN        ngrok authtoken for listen's public URL
  COMETBOT_API_URL       REST base URL (e.g. a local cometbot emulate)
  COMETBOT_HOME          directory for config.json and captures/
  COMETBOT_PROFILE       profile to use when --profile is not given
  NO_COLOR               disable colour;  COMETBOT_DEBUG=1 prints stack traces`;

export async function buildProgram(deps: Deps, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('cometbot')
    .description('Build a CometChat custom bot: create it, receive and capture its callbacks, reply, test offline.')
    .version(version(), '-v, --version', 'print the version')
    .option('--profile <name>', 'profile in config.json to use (default: "default")')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot demo                                   # the whole loop offline, no account needed
  $ cometbot new my-bot --template python           # a correct bot with tests and CI, in a new folder
  $ cometbot init --app-id 2541abc --region eu --uid support-bot
  $ cometbot listen                                 # callback server + ngrok tunnel + capture log
  $ cometbot say --to alice "Hello from the bot"
  $ cometbot captures schema --format typescript > payload.d.ts
${EXIT_CODES_HELP}`,
    );
  const defaultHelp = new Help();
  program.configureHelp({ sortSubcommands: false, subcommandTerm: (cmd) => USAGE_TERM[cmd.name() as keyof typeof USAGE_TERM] ?? defaultHelp.subcommandTerm(cmd) });

  // Only the command being run is built in full; the others are listed by name and summary.
  const wanted = invokedCommand(argv);
  // Commands are loaded lazily too: start-up evaluates only the one being run.
  for (const [name, load] of COMMANDS) {
    if (wanted === 'all' || wanted === name) inheritBehaviour((await load())(program, deps), deps);
    else program.command(name).description(SUMMARY[name]);
  }
  return program;
}

type Register = (program: Command, deps: Deps) => Command;
const COMMANDS: readonly (readonly [keyof typeof SUMMARY, () => Promise<Register>])[] = [
  ['init', async () => (await import('./commands/init.js')).registerInit],
  ['say', async () => (await import('./commands/say.js')).registerSay],
  ['listen', async () => (await import('./commands/listen.js')).registerListen],
  ['captures', async () => (await import('./commands/captures.js')).registerCaptures],
  ['emulate', async () => (await import('./commands/emulate.js')).registerEmulate],
  ['demo', async () => (await import('./commands/demo.js')).registerDemo],
  // test's flags and help are in this bundle (its run is not): `cometbot test --help` loads nothing more.
  ['test', async () => registerTest],
  ['trigger', async () => (await import('./commands/trigger.js')).registerTrigger],
  ['dev', async () => (await import('./commands/dev.js')).registerDev],
  ['new', async () => (await import('./commands/new.js')).registerNew],
];

/** The command named on the command line; 'all' when that cannot be told cheaply (help, typos). */
export function invokedCommand(argv: readonly string[]): string | 'all' | 'none' {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--profile') {
      i++; // its value
      continue;
    }
    if (arg.startsWith('-')) continue;
    return COMMANDS.some(([name]) => name === arg) ? arg : 'all';
  }
  return 'none';
}

/** Subcommands need exitOverride and our streams too, or commander exits the process itself. */
function inheritBehaviour(cmd: Command, deps: Deps): void {
  cmd.exitOverride().configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) });
  cmd.showSuggestionAfterError(true);
  for (const sub of cmd.commands) inheritBehaviour(sub, deps);
}

export async function main(argv: string[], deps: Deps): Promise<number> {
  for (const w of readEnv(deps.env).warnings) deps.stderr.write(`warning: ${w}\n`);
  const program = await buildProgram(deps, argv);
  if (argv.length === 0) {
    // No command is a usage error (like an unknown one): the help goes to stderr, exit 2.
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return report(e, deps);
  }
}

export function report(e: unknown, deps: Pick<Deps, 'stderr' | 'env'>): number {
  const debug = readEnv(deps.env).debug;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
    // commander already printed its "error: …" line.
    // A text that starts with "-" (say --to alice "-5 degrees") reads as an option: "--" ends the options.
    if (e.code === 'commander.unknownOption' && / '-[^-]*\s/.test(e.message)) deps.stderr.write('hint: a text that starts with "-" goes after --, e.g. cometbot say --to alice -- "-5 degrees today"\n');
    else deps.stderr.write('hint: run cometbot --help (or cometbot <command> --help) for usage\n');
    return EXIT.usage;
  }
  if (isCliError(e) && e.reported) return e.exitCode;
  if (isCliError(e)) {
    // A message may quote a payload or an API answer: one terminal-safe line.
    deps.stderr.write(`error: ${safeLine(e.message)}\n`);
    if (e.hint) deps.stderr.write(`hint: ${safeLine(e.hint)}\n`);
    if (debug && e.stack) deps.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  deps.stderr.write(`error: ${safeLine(message.split('\n')[0]!)}\n`);
  deps.stderr.write(debug && e instanceof Error && e.stack ? `${e.stack}\n` : 'hint: this looks like a bug in cometbot; run again with COMETBOT_DEBUG=1 and report the output\n');
  return EXIT.failure;
}

/**
 * The last resort for a defect that escapes every command (a throw in a timer, a rejection nobody
 * awaits): the same one-line error and hint as any other bug, then exit 1 — never Node's stack trace.
 * What cometbot started is ended by its keepers when it is gone.
 */
export function reportEscapes(proc: Pick<NodeJS.EventEmitter, 'on'>, deps: Pick<Deps, 'stderr' | 'env'>, exit: (code: number) => void): void {
  const last = (e: unknown) => exit(report(e, deps));
  proc.on('uncaughtException', last);
  proc.on('unhandledRejection', last);
}

export function createDeps(): Deps {
  return {
    env: process.env,
    // A getter: creating process.stdin opens a stream, which --version and --help never need.
    get stdin() {
      return process.stdin;
    },
    // Node queues writes to a pipe that is not being read (measured); listen bounds that queue itself.
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    cwd: () => process.cwd(),
    prompts: async () => (await import('./adapters/prompts.js')).createInquirerPrompts(),
    openTunnel: async () => (await import('./adapters/tunnel.js')).ngrokOpener(),
    // Web Crypto is global: no node:crypto import on the start-up path.
    randomBytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
    signals: process,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    tuneForServer: async () => (await import('./adapters/young-generation.js')).capYoungGeneration(),
  };
}


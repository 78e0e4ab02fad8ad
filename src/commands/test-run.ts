// `cometbot test`, the run: check flags and files, start the test run, render its events.
import type { Deps } from '../deps.js';
import type { Output } from '../adapters/output.js';
import type { Credentials } from '../core/basic-auth.js';
import type { ConvoFile } from '../core/convo/model.js';
import type { RunSummary } from '../testing/results.js';
import type { TestFlags } from './test.js';
import { CliError, ConfigError, EXIT, ReportedFailure, UsageError } from '../errors.js';
import { findProfile, profileProblem } from '../core/profile.js';
import { parseDurationFlag } from '../core/duration.js';
import { parsePort, validateUrl } from '../core/validate.js';
import { readEnv } from '../env.js';
import { generateCredentials } from '../core/credentials.js';
import { createOutput, openConfig, type GlobalOptions } from './context.js';
import { safeLine } from '../core/terminal-text.js';
import { DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';


export async function runTest(paths: string[], flags: TestFlags, deps: Deps, g: GlobalOptions, command: string[] = []): Promise<RunSummary> {
  // Every local check first: flags, files, the bot's URL. Nothing starts before they pass.
  const [{ parseReporters }, { parseShard, shardCases, selectCases, emptySummary }] = await Promise.all([import('../testing/reporters/index.js'), import('../testing/selection.js')]);
  const reporters = parseReporters(flags.reporter?.length ? flags.reporter : g.json ? ['json'] : []);
  const within = parseDurationFlag(flags.within, '--within');
  const ackWithin = parseDurationFlag(flags.ackWithin, '--ack-within');
  const startTimeout = parseDurationFlag(flags.startTimeout, '--start-timeout') ?? 15_000;
  const startsBot = command.length > 0;
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  if (!flags.botUrl && !startsBot && !flags.list) throw new UsageError('no bot to test', 'pass the webhook URL of your running bot (--bot-url http://localhost:3000/), or let cometbot start it: cometbot test -- node bot.js');
  if (flags.botPath !== undefined && !startsBot) throw new UsageError('--bot-path is for a bot cometbot starts (-- COMMAND)', 'with --bot-url, put the path in the URL');
  const botPort = startsBot && !flags.botUrl ? await (await import('../adapters/free-port.js')).freePort() : undefined;
  const botUrl = flags.botUrl ? validateUrl(flags.botUrl, '--bot-url') : new URL(`http://127.0.0.1:${botPort ?? 9}${normalisePath(flags.botPath)}`); // 9: --list starts no bot
  if (startsBot && !['127.0.0.1', 'localhost', '[::1]'].includes(botUrl.hostname)) throw new UsageError(`--bot-url ${botUrl.href} is not on this machine`, 'a bot cometbot starts listens on 127.0.0.1: --bot-url http://127.0.0.1:3000/');
  const apiPort = parsePort(flags.apiPort ?? (startsBot ? '0' : String(DEFAULT_EMULATOR_PORT)), '--api-port');
  const out = await createOutput(deps, g);
  const cwd = process.cwd();
  const { discoverConvoFiles, loadConvoFiles } = await import('../testing/files.js');
  // --within / --ack-within replace the built-in defaults; what a file, case or step sets still wins.
  let files = loadConvoFiles(discoverConvoFiles(paths, cwd), cwd, (line) => deps.stderr.write(`${safeLine(line)}\n`), { within, ackWithin });
  if (flags.grep !== undefined) {
    files = selectCases(files, flags.grep);
    if (files.length === 0) throw new UsageError(`no case matches --grep "${flags.grep}"`, 'grep matches a case’s suite or name, ignoring case');
  }
  if (shard) files = shardCases(files, shard.index, shard.count);
  if (flags.list) {
    for (const f of files) for (const c of f.tests) (g.json ? out.jsonLine({ file: f.path, suite: f.name, name: c.name, line: c.pos.line }) : out.data(`${safeLine(f.path)}:${c.pos.line}  ${safeLine(f.name)} › ${safeLine(c.name)}`));
    out.info(out.ce.dim(`${files.reduce((n, f) => n + f.tests.length, 0)} case(s)${shard ? ` in shard ${shard.index}/${shard.count}` : ''}`));
    return emptySummary();
  }
  if (files.length === 0) throw new UsageError(`shard ${shard!.index}/${shard!.count} holds no case`, `there are fewer cases than shards: use at most ${shard!.count - 1} shards`);
  const credentials = startsBot ? generateCredentials(deps.randomBytes) : await callbackCredentials(deps, out, g);
  const app = (await import('../testing/emulated-app.js')).emulatedApp(files, flags, readEnv(deps.env));

  const { TestRun } = await import('../testing/run.js');
  const run = new TestRun({
    files,
    botUrl: botUrl.href,
    apiPort,
    credentials,
    app,
    strictAppId: app.named,
    botUid: files[0]!.bot,
    failFast: flags.failFast,
    ...(startsBot
      ? {
          bot: {
            command: command[0]!,
            args: command.slice(1),
            env: { ...deps.env },
            port: Number(botUrl.port),
            startTimeoutMs: startTimeout,
            ...(flags.verbose ? { onOutput: (line: string) => deps.stderr.write(`${out.ce.dim('bot │')} ${safeLine(line)}\n`) } : {}),
          },
        }
      : {}),
  });
  const { openReporters, ReportFileError } = await import('../testing/reporters/index.js');
  let sinks: Awaited<ReturnType<typeof openReporters>>;
  try {
    sinks = await openReporters(reporters, { stdout: (s) => void deps.stdout.write(s), colors: out.c, verbose: Boolean(flags.verbose), inputs: files.map((f) => f.path) });
  } catch (e) {
    if (e instanceof ReportFileError) throw e.usage ? new UsageError(e.message, e.hint) : new CliError(e.message, e.hint);
    throw e;
  }
  run.on('case', (r) => sinks.reporters.forEach((rep) => rep.case(r)));
  run.on('file-end', (s) => sinks.reporters.forEach((rep) => rep.fileEnd(s)));
  run.on('late', (l) => sinks.reporters.forEach((rep) => rep.late?.(l)));
  run.on('end', (s) => sinks.reporters.forEach((rep) => rep.end(s)));

  let interrupted = false;
  let running = false;
  const { untilStopped } = await import('./until-stopped.js');
  const signals = untilStopped(deps.signals);
  void signals.stopped.then(() => {
    interrupted = true;
    run.interrupt();
    // Still starting (the bot not listening yet): stop everything now.
    if (!running) void run.close();
  });
  void signals.forced.then(() => run.killNow()); // a second signal: no grace period for the bot
  try {
    try {
      const { apiUrl } = await run.start();
      if (!reporters.some((r) => !r.file && r.name !== 'pretty') && !g.json) out.info(out.ce.dim(`emulator ${apiUrl} · bot ${botUrl.href}${startsBot ? ` (${safeLine(command.join(' '))})` : ''}`));
    } catch (e) {
      if (interrupted) throw new ReportedFailure(EXIT.cancelled);
      throw startError(e, apiPort, deps);
    }
    if (!startsBot) await (await import('../adapters/reachable.js')).assertReachable(botUrl);
    running = true;
    const summary = await run.run();
    try {
      sinks.flush();
    } catch (e) {
      if (e instanceof ReportFileError) throw new CliError(e.message, e.hint);
      throw e;
    }
    if (interrupted) throw new ReportedFailure(EXIT.cancelled);
    if (summary.failed > 0 || summary.late.length > 0 || summary.botExited) throw new ReportedFailure(EXIT.failure);
    return summary;
  } finally {
    signals.dispose();
    await run.close();
  }
}

function startError(e: unknown, apiPort: number, deps: Deps): CliError {
  const err = e as NodeJS.ErrnoException & { output?: string[]; hint?: string };
  if (Array.isArray(err.output)) {
    // The bot did not start: its last words say why.
    if (err.output.length) deps.stderr.write(`${err.output.map((l) => `bot │ ${safeLine(l)}`).join('\n')}\n`);
    return new CliError(err.message, err.hint ?? 'run the command by itself to see why; it must listen on $PORT (or the --bot-url port)');
  }
  if (err.code === 'EADDRINUSE') return new CliError(`--api-port ${apiPort} is already in use (is cometbot emulate running?)`, 'stop what uses it, or pass --api-port 0 and point your bot at the port this run prints');
  return new CliError(`cannot start the test run (${err.code ?? err.message})`, 'run again with COMETBOT_DEBUG=1 for details');
}

function normalisePath(path: string | undefined): string {
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

/** With --bot-url: env COMETCHAT_CALLBACK_USERNAME/PASSWORD, else the profile's callback credentials, else none. */
async function callbackCredentials(deps: Deps, out: Output, g: GlobalOptions): Promise<Credentials | null> {
  const env = readEnv(deps.env);
  if (env.callbackUsername && env.callbackPassword) return { username: env.callbackUsername, password: env.callbackPassword };
  if (env.callbackUsername || env.callbackPassword) throw new UsageError('set both COMETCHAT_CALLBACK_USERNAME and COMETCHAT_CALLBACK_PASSWORD, or neither');
  const config = (await openConfig(deps, out)).load();
  const profile = findProfile(config, g.profile);
  if (!profile) return null;
  const problem = profileProblem(profile);
  if (problem) throw new ConfigError(`profile "${g.profile}" is invalid: ${problem}`, `fix config.json by hand, or run cometbot init --profile ${g.profile} again`);
  return profile.callback;
}


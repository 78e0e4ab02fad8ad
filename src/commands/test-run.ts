// `cometbot test`, the run: check flags and files, start the test run, render its events.
import type { Deps } from '../deps.js';
import type { Output } from '../adapters/output.js';
import type { Credentials } from '../core/basic-auth.js';
import type { RunSummary } from '../testing/results.js';
import type { TestFlags } from '../testing/options.js';
import { CliError, ConfigError, EXIT, isCliError, ReportedFailure, UsageError } from '../errors.js';
import { findProfile, profileProblem } from '../core/profile.js';
import { readEnv } from '../env.js';
import { generateCredentials } from '../core/credentials.js';
import { createClient, createOutput, openConfig, type GlobalOptions } from './context.js';
import type { LiveTarget } from '../testing/live/live-stage.js';
import { safeLine } from '../core/terminal-text.js';
import { serverStartError } from '../core/server-start-error.js';


export async function runTest(paths: string[], flags: TestFlags, deps: Deps, globals: GlobalOptions, command: string[] = []): Promise<RunSummary> {
  // Every local check first: flags, files, the bot's URL. Nothing starts before they pass.
  const [{ parseTestOptions }, { shardCases, selectCases, emptySummary }] = await Promise.all([import('../testing/options.js'), import('../testing/selection.js')]);
  const { reporters, within, ackWithin, startTimeoutMs, shard, startsBot, botUrl, apiPort, live } = await parseTestOptions(flags, command, globals.json);
  const out = await createOutput(deps, globals);
  const cwd = deps.cwd();
  const { discoverConvoFiles, loadConvoFiles } = await import('../testing/files.js');
  // --within / --ack-within replace the built-in defaults; what a file, case or step sets still wins.
  let files = loadConvoFiles(discoverConvoFiles(paths, cwd), cwd, (line) => deps.stderr.write(`${safeLine(line)}\n`), { within, ackWithin });
  if (flags.grep !== undefined) {
    files = selectCases(files, flags.grep);
    if (files.length === 0) throw new UsageError(`no case matches --grep "${flags.grep}"`, 'grep matches a case’s suite or name, ignoring case');
  }
  if (shard) files = shardCases(files, shard.index, shard.count);
  if (flags.list) {
    for (const f of files) for (const c of f.tests) (globals.json ? out.jsonLine({ file: f.path, suite: f.name, name: c.name, line: c.pos.line }) : out.data(`${safeLine(f.path)}:${c.pos.line}  ${safeLine(f.name)} › ${safeLine(c.name)}`));
    out.info(out.errColors.dim(`${files.reduce((n, f) => n + f.tests.length, 0)} case(s)${shard ? ` in shard ${shard.index}/${shard.count}` : ''}`));
    return emptySummary();
  }
  if (files.length === 0) throw new UsageError(`shard ${shard!.index}/${shard!.count} holds no case`, `there are fewer cases than shards: use at most ${shard!.count - 1} shards`);
  const liveTarget = live ? await openLiveTarget(flags, deps, out, globals) : undefined;
  const credentials = live ? null : startsBot ? generateCredentials(deps.randomBytes) : await callbackCredentials(deps, out, globals);
  const app = liveTarget ? { appId: liveTarget.appId, region: liveTarget.region, apiKey: '', anyApiKey: false, named: true } : (await import('../testing/emulated-app.js')).emulatedApp(files, flags, readEnv(deps.env));

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
    ...(liveTarget ? { live: liveTarget } : {}),
    ...(startsBot
      ? {
          bot: {
            command: command[0]!,
            args: command.slice(1),
            env: { ...deps.env },
            port: Number(botUrl.port),
            startTimeoutMs,
            ...(flags.verbose ? { onOutput: (line: string) => deps.stderr.write(`${out.errColors.dim('bot │')} ${safeLine(line)}\n`) } : {}),
          },
        }
      : {}),
  });
  const { openReporters, ReportFileError } = await import('../testing/reporters/index.js');
  let sinks: Awaited<ReturnType<typeof openReporters>>;
  try {
    sinks = await openReporters(reporters, { stdout: (s) => void deps.stdout.write(s), colors: out.colors, verbose: Boolean(flags.verbose), inputs: files.map((f) => f.path), now: deps.now });
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
      const where = liveTarget ? `live ${liveTarget.appId}/${liveTarget.region} (${withoutUserInfo(apiUrl)}) · bot ${files[0]!.bot} as deployed` : `emulator ${apiUrl} · bot ${botUrl.href}${startsBot ? ` (${safeLine(command.join(' '))})` : ''}`;
      if (!reporters.some((r) => !r.file && r.name !== 'pretty') && !globals.json) out.info(out.errColors.dim(where));
    } catch (e) {
      if (interrupted) throw new ReportedFailure(EXIT.cancelled);
      throw startError(e, apiPort, deps);
    }
    if (!startsBot && !liveTarget) await (await import('../adapters/reachable.js')).assertReachable(botUrl);
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
  if (isCliError(e)) return e as CliError; // said already (a live app's bot or key, the network)
  const err = e as NodeJS.ErrnoException & { output?: string[]; hint?: string };
  if (Array.isArray(err.output)) {
    // The bot did not start: its last words say why.
    if (err.output.length) deps.stderr.write(`${err.output.map((l) => `bot │ ${safeLine(l)}`).join('\n')}\n`);
    return new CliError(err.message, err.hint ?? 'run the command by itself to see why; it must listen on $PORT (or the --bot-url port)');
  }
  if (err.code === 'EADDRINUSE') return serverStartError(e, { what: 'the emulator', port: `--api-port ${apiPort}`, holder: 'cometbot emulate', hint: 'stop what uses it, or pass --api-port 0 and point your bot at the port this run prints' });
  return new CliError(`cannot start the test run (${err.code ?? err.message})`, 'run again with COMETBOT_DEBUG=1 for details');
}

/** With --bot-url: env COMETCHAT_CALLBACK_USERNAME/PASSWORD, else the profile's callback credentials, else none. */
async function callbackCredentials(deps: Deps, out: Output, globals: GlobalOptions): Promise<Credentials | null> {
  const env = readEnv(deps.env);
  if (env.callbackUsername && env.callbackPassword) return { username: env.callbackUsername, password: env.callbackPassword };
  if (env.callbackUsername || env.callbackPassword) throw new UsageError('set both COMETCHAT_CALLBACK_USERNAME and COMETCHAT_CALLBACK_PASSWORD, or neither');
  const config = (await openConfig(deps, out)).load();
  const profile = findProfile(config, globals.profile);
  if (!profile) return null;
  const problem = profileProblem(profile);
  if (problem) throw new ConfigError(`profile "${globals.profile}" is invalid: ${problem}`, `fix config.json by hand, or run cometbot init --profile ${globals.profile} again`);
  return profile.callback;
}


/** --live: the app (flags > env > profile), a REST client for it, and this run's id for its groups. */
async function openLiveTarget(flags: TestFlags, deps: Deps, out: Output, globals: GlobalOptions): Promise<LiveTarget> {
  const [{ resolveLiveApp }, { randomAlphanumeric }] = await Promise.all([import('../testing/live/live-options.js'), import('../core/credentials.js')]);
  const config = (await openConfig(deps, out)).load();
  const profile = findProfile(config, globals.profile);
  const app = resolveLiveApp(flags, readEnv(deps.env), profile, globals.profile);
  const client = await createClient(out, app.baseUrl, app.apiKey, deps.env, deps.sleep);
  return {
    ...app,
    client,
    runId: randomAlphanumeric(6, deps.randomBytes).toLowerCase(),
    onNote: (line) => out.info(out.errColors.dim(safeLine(line))),
  };
}

/** A URL as shown: never the user:password some put in COMETBOT_API_URL. */
function withoutUserInfo(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href.replace(/\/$/, '');
}

// `cometbot listen`: callback server + capture log + tunnel + webhook registration, rendered here.
import type { Command } from 'commander';
import { listenSessionOptions, parseListenOptions, parseRespond } from '../listen/options.js';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { safeLine, safeText } from '../core/terminal-text.js';
import { ndjsonLine, requestLine } from '../listen/ndjson.js';
import { resolveSettings } from '../core/profile.js';
import type { CometChatClient } from '../adapters/cometchat-client.js';
import { SELFTEST_TIMEOUT_MS } from '../listen/public-endpoint.js';
import { CancelledError, UsageError } from '../errors.js';
import { capturesDir, readEnv } from '../env.js';
import { formatDuration } from '../core/duration.js';
import { untilStopped } from './until-stopped.js';
import { createClient, createOutput, globalOptions, loadConnection, type Connection, type GlobalOptions } from './context.js';

export interface ListenFlags {
  port?: string;
  host?: string;
  path?: string;
  tunnel: boolean;
  domain?: string;
  register: boolean;
  cleanup?: boolean;
  forwardTo?: string;
  echo?: boolean;
  captureFile?: string;
  auth: boolean;
  quiet?: boolean;
  apiUrl?: string;
  inspect?: boolean;
  inspectPort?: string;
  respond?: string;
  delay?: string;
}

const SHUTDOWN_GRACE_MS = 5_000;

export function registerListen(program: Command, deps: Deps): Command {
  return program
    .command('listen')
    .description(SUMMARY.listen)
    .option('--port <n>', 'local port (0 = any free port)', '3978')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--path <path>', 'callback path', '/')
    .option('--no-tunnel', 'local only: do not open an ngrok tunnel')
    .option('--domain <domain>', 'reserved ngrok domain to use')
    .option('--no-register', "do not set the bot's webhook URL in CometChat")
    .option('--cleanup', 'on exit, disable the bot (enabled: false)')
    .option('--forward-to <url>', 'after the ack, POST each payload (same body and auth) to your own bot')
    .option('--echo', 'reply to each user message with the same text, as the bot')
    .option('--capture-file <path>', 'append captures to this file instead of a new one per run')
    .option('--respond <status[xN]>', 'answer the first N deliveries of each callback with STATUS (e.g. 503x2), to see how CometChat retries')
    .option('--delay <duration>', 'answer those deliveries only after this long (e.g. 3s), to see the timeout CometChat applies')
    .option('--no-auth', 'accept requests without Basic Auth (not recommended)')
    .option('-q, --quiet', 'one line per request, no pretty JSON')
    .option('--inspect', 'serve the live web inspector on 127.0.0.1')
    .option('--inspect-port <n>', 'inspector port (0 = any free port)', '3979')
    .option('--api-url <url>', 'REST base URL (env COMETBOT_API_URL)')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot listen                                   # tunnel (with an ngrok token) + registration + captures
  $ cometbot listen --no-tunnel --port 0 --json       # local only; NDJSON events on stdout
  $ cometbot listen --forward-to http://localhost:3000/bot --inspect
  $ cometbot listen --domain mybot.ngrok.app --cleanup --echo

Every request is written to the capture file before it is answered 200; see it with cometbot captures.`,
    )
    .action(async (raw: ListenFlags, cmd: Command) => {
      await runListen(raw, deps, globalOptions(cmd, deps));
    });
}

export async function runListen(flags: ListenFlags, deps: Deps, globals: GlobalOptions): Promise<void> {
  const parsed = parseListenOptions(flags);
  const out = await createOutput(deps, globals);
  const env = readEnv(deps.env);

  let conn: Connection | undefined;
  try {
    conn = await loadConnection(deps, out, globals, flags);
  } catch (e) {
    // A profile holds the callback credentials; only --no-auth can run without one.
    if (!(e instanceof UsageError) || flags.auth !== false) throw e;
  }
  if (flags.echo && !conn) throw new UsageError('--echo needs a profile to reply as the bot', 'run cometbot init first');
  const respond = parseRespond(flags.respond, flags.delay);
  const credentials = flags.auth === false ? null : conn!.profile.callback;
  if (!credentials) out.warn(out.errColors.red.bold('--no-auth: anyone who finds the URL can post to it. Use it only for local experiments.'));

  const [{ ListenSession }, { LineSink }, { summaryLine, prettyJson }] = await Promise.all([
    import('../listen/session.js'),
    import('../adapters/line-sink.js'),
    import('../adapters/request-renderer.js'),
  ]);
  // The REST client (and got) loads only when something needs it: echo, registration, cleanup.
  let clientPromise: Promise<CometChatClient> | undefined;
  const client = conn ? () => (clientPromise ??= createClient(out, conn!.baseUrl, conn!.apiKey, deps.env, deps.sleep)) : undefined;
  const botUid = conn?.profile.bot.uid;
  const authtoken = resolveSettings({}, env, conn?.profile).ngrokAuthtoken;
  const session = new ListenSession(
    listenSessionOptions({
      options: { ...parsed, inspectPort: flags.inspect ? parsed.inspectPort : undefined },
      credentials,
      captureFile: flags.captureFile,
      capturesDir: capturesDir(deps.env),
      now: deps.now,
      randomBytes: deps.randomBytes,
      echo: flags.echo,
      client,
      botUid,
      apiUrl: conn?.baseUrl,
      tunnel: flags.tunnel !== false && authtoken ? { opener: deps.openTunnel, authtoken, domain: flags.domain ?? conn?.profile.ngrokDomain } : undefined,
      register: flags.register !== false,
      cleanup: Boolean(flags.cleanup),
      respond,
    }),
  );
  if (respond) {
    const what = [respond.status !== 200 ? `answering ${respond.status}` : undefined, respond.delayMs ? `after ${formatDuration(respond.delayMs)}` : undefined].filter(Boolean).join(' ');
    out.warn(out.errColors.yellow.bold(`--respond/--delay: ${what} to the first ${respond.times} deliver${respond.times === 1 ? 'y' : 'ies'} of every callback, on purpose: CometChat will retry, and your bot misses them meanwhile`));
  }

  // Rendering: after the ack, never before it; output that cannot keep up is dropped and counted.
  const sink = new LineSink(deps.stdout);
  session.on('request', (req) => {
    if (globals.json) sink.write(requestLine(req.line)); // the capture line, not re-serialised
    else {
      sink.write(`${summaryLine(out.colors, req.record, req.summary)}\n`);
      if (!flags.quiet) sink.write(`${req.record.json ? prettyJson(out.colors, req.record.body) : safeText(req.record.rawBody ?? '')}\n`);
    }
  });
  session.on('rejected', (record) => sink.write(globals.json ? ndjsonLine({ event: 'request', ...record }) : `${summaryLine(out.colors, record)}\n`));
  session.on('forward', (r) => {
    if (globals.json) sink.write(ndjsonLine({ event: 'forward', id: r.id, status: r.status, ms: r.ms, ...(r.error ? { error: r.error } : {}) }));
    else if (r.status !== null) sink.write(`  ${out.colors.dim('↪ forwarded')} ${r.status < 400 ? out.colors.green(String(r.status)) : out.colors.red(String(r.status))} ${out.colors.dim(`${r.ms} ms ${r.id}`)}\n`);
    else sink.write(`  ${out.colors.red('↪ forward failed')} ${safeLine(r.error ?? '')} ${out.colors.dim(r.id)}\n`);
  });
  session.on('reply', (r) => {
    if (globals.json) sink.write(ndjsonLine({ event: 'reply', id: r.id, messageId: r.messageId }));
    else sink.write(`  ${out.colors.dim('↩ echoed as')} ${botUid} ${out.colors.dim(`message ${r.messageId} to ${r.receiverType} ${safeLine(r.receiver)}`)}\n`);
  });
  session.on('reply-failed', (r) => out.warn(`echo reply for ${r.id} failed: ${safeLine(r.error)}`));
  session.on('capture-error', (e) => out.info(out.errColors.red.bold(`error: cannot write the capture file ${e.file} (${e.code}): answering 503 until it works again, so nothing is acked unrecorded`)));
  session.on('capture-recovered', (e) => out.info(out.errColors.green(`capture file writable again: ${e.file}`)));
  session.on('tunnel', ({ status }) => out.info(status === 'connected' ? out.errColors.green(`tunnel ${status}`) : out.errColors.yellow(`tunnel ${status}: ngrok is reconnecting…`)));
  session.on('tunnel-failed', ({ error }) => {
    out.warn(`could not open the ngrok tunnel: ${safeLine(error)}`);
    out.info('  continuing local-only; check the token (dashboard.ngrok.com → Your Authtoken) and your network');
  });
  session.on('registered', ({ uid, url, enabled }) => out.success(enabled ? `webhook of bot ${uid} set to ${url} (enabled)` : `bot ${uid} disabled (--cleanup)`));
  session.on('register-failed', ({ uid, enabling, error }) => out.warn(`could not ${enabling ? 'register the webhook' : 'disable the bot'} (${safeLine(error)}); set it in the dashboard: AI Agents → Custom Bots → ${uid}`));
  session.on('warning', (line) => out.warn(line));

  // Run until SIGINT/SIGTERM, subscribed before anything starts (a Ctrl-C while the tunnel opens is not
  // lost); a second signal forces the exit (130) without waiting for anything.
  const signals = untilStopped(deps.signals);
  let untune: (() => void) | undefined;
  try {
    if (flags.tunnel !== false && !authtoken) out.info(out.errColors.dim('no ngrok authtoken: local only. Add one with cometbot init --ngrok-authtoken <token> or NGROK_AUTHTOKEN=<token> for a public URL.'));
    const starting = authtoken && flags.tunnel !== false ? out.spin('Opening ngrok tunnel…', session.start()) : session.start();
    starting.catch(() => undefined); // a start that fails after a forced exit is no longer anyone's concern
    // A second Ctrl-C while the tunnel opens: leave now (the first waits for it, then stops cleanly).
    const ready = await Promise.race([starting, signals.forced.then(() => Promise.reject(new CancelledError('stopped while starting')))]).catch((e: unknown) => {
      if (e instanceof CancelledError) session.destroy();
      throw e;
    });
    untune = await deps.tuneForServer?.();

    const announce = (r: { publicUrl: string | null }) => {
      if (globals.json) return sink.write(ndjsonLine({ event: 'ready', localUrl: ready.localUrl, publicUrl: r.publicUrl, captureFile: ready.captureFile, ...(ready.inspectUrl ? { inspectUrl: ready.inspectUrl } : {}) }));
      out.info(`${out.errColors.bold('cometbot listen')}${botUid ? ` — bot ${botUid}, profile ${globals.profile}` : ''}`);
      out.info(`  local    ${ready.localUrl}`);
      if (r.publicUrl) out.info(`  public   ${r.publicUrl}${credentials ? out.errColors.dim('  (Basic Auth checked here)') : ''}`);
      out.info(`  capture  ${ready.captureFile}`);
      if (ready.inspectUrl) out.info(`  inspect  ${ready.inspectUrl}`);
      if (parsed.forwardTo) out.info(`  forward  ${parsed.forwardTo.href}`);
      out.info(out.errColors.dim('Waiting for requests… Ctrl-C to stop.'));
    };
    announce(ready);
    session.on('selftest', ({ result, publicUrl }) => {
      if (result === 'verified') out.success('public URL verified');
      else if (result === 'unreachable') out.warn(`the public URL did not reach this machine within ${SELFTEST_TIMEOUT_MS / 1000} s; CometChat's callbacks may not arrive (check the tunnel and firewall)`);
      else if (result === 'lost') out.warn('ngrok’s edge auth does not pass the Authorization header on, and the tunnel could not be reopened without it: local only now');
      else {
        out.warn('ngrok’s edge auth does not pass the Authorization header on; reopened the tunnel without edge auth (cometbot still checks Basic Auth locally)');
        if (globals.json) announce({ publicUrl });
        else out.info(`  public   ${publicUrl}`);
      }
    });
    void session.selfTest();

    await signals.stopped;
    const forced = await Promise.race([
      shutdown().then(() => false),
      signals.forced.then(() => {
        out.info(out.errColors.yellow('forced exit'));
        session.destroy(); // what is queued is still written: nothing acked is lost
        return true;
      }),
    ]);
    if (forced) throw new CancelledError('stopped by a second Ctrl-C before the shutdown finished', 'every acknowledged request is in the capture file; forwards and replies still queued were dropped');
  } finally {
    signals.dispose();
  }

  async function shutdown(): Promise<void> {
    if (!globals.json) out.info(out.errColors.dim('\nstopping…'));
    // close() stops accepting at once; what is already being received is finished, and said so.
    const closing = session.close(SHUTDOWN_GRACE_MS);
    const pending = session.requestsInFlight;
    if (pending > 0) out.info(out.errColors.dim(`finishing ${pending} request${pending === 1 ? '' : 's'} in flight (Ctrl-C again to stop now)`));
    const c = await closing;
    untune?.();
    const { notShown, stalled } = await sink.close();
    if (notShown > 0) out.info(out.errColors.yellow(`${notShown} output line(s) were not shown: stdout was not keeping up (every request is in the capture file)`));
    if (stalled) {
      out.info(out.errColors.yellow('stdout is not being read: exiting without the output still queued for it'));
      deps.exitNow = true;
    }
    // What --respond provoked: CometChat's real retry schedule, ready for emulate --retry-delays.
    const retries = c.redeliveries;
    for (const r of retries.slice(0, 20)) out.info(`  data.id ${safeLine(r.id)}: ${r.deliveries} deliveries, ${r.delaysMs.map((d) => `+${(d / 1000).toFixed(1)} s`).join(', ')}`);
    if (retries.length) {
      const typical = retries[0]!.delaysMs.map((d) => `${Math.round(d / 100) / 10}s`).join(',');
      out.info(out.errColors.dim(`  replay this schedule offline: cometbot emulate --retry-delays ${typical}`));
    } else if (respond) out.info(out.errColors.dim('  no callback was delivered twice: CometChat did not retry (yet)'));
    const total = c.accepted + c.rejected + c.captureFailures;
    out.info(
      `${total} request${total === 1 ? '' : 's'}: ${c.accepted} accepted${c.duplicates ? ` (${c.duplicates} duplicate)` : ''}, ${c.rejected} rejected${c.captureFailures ? `, ${c.captureFailures} answered 503 (capture failed)` : ''} → ${c.captureFile}`,
    );
  }
}

export { isLoopback } from '../core/loopback.js';
export { parseRespond };

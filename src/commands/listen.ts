// `cometbot listen`: callback server + capture log + tunnel + webhook registration, rendered here.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { safeJson, safeText } from '../core/terminal-text.js';
import { resolveSettings } from '../core/profile.js';
import type { CometChatClient } from '../adapters/cometchat-client.js';
import { SELFTEST_TIMEOUT_MS, type PublicEndpoint } from '../adapters/public-endpoint.js';
import type { AcceptedRequest } from '../adapters/callback-server.js';
import { CancelledError, CliError, UsageError } from '../errors.js';
import { capturesDir, readEnv } from '../env.js';
import { parsePort, validateUrl } from '../core/validate.js';
import { randomAlphanumeric } from '../core/credentials.js';
import { replyTarget, type CaptureRecord } from '../core/capture.js';
import { TaskQueue } from '../core/task-queue.js';
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

interface Parsed {
  port: number;
  host: string;
  path: string;
  forwardTo?: URL;
  inspectPort: number;
}

function parseFlags(flags: ListenFlags): Parsed {
  const path = flags.path ?? '/';
  if (!path.startsWith('/')) throw new UsageError(`invalid --path "${path}": it must start with /`, 'e.g. --path /cometchat');
  return {
    port: parsePort(flags.port ?? '3978'),
    host: flags.host ?? '127.0.0.1',
    path,
    forwardTo: flags.forwardTo ? validateUrl(flags.forwardTo, '--forward-to') : undefined,
    inspectPort: parsePort(flags.inspectPort ?? '3979', '--inspect-port'),
  };
}

export async function runListen(flags: ListenFlags, deps: Deps, g: GlobalOptions): Promise<void> {
  const parsed = parseFlags(flags);
  const out = await createOutput(deps, g);
  const env = readEnv(deps.env);

  let conn: Connection | undefined;
  try {
    conn = await loadConnection(deps, out, g, flags);
  } catch (e) {
    // A profile holds the callback credentials; only --no-auth can run without one.
    if (!(e instanceof UsageError) || flags.auth !== false) throw e;
  }
  if (flags.echo && !conn) throw new UsageError('--echo needs a profile to reply as the bot', 'run cometbot init first');
  const credentials = flags.auth === false ? null : conn!.profile.callback;
  if (!credentials) out.warn(out.ce.red.bold('--no-auth: anyone who finds the URL can post to it. Use it only for local experiments.'));

  const [{ CaptureStore }, { CallbackServer }, { LineSink }, { summaryLine, prettyJson }] = await Promise.all([
    import('../adapters/capture-store.js'),
    import('../adapters/callback-server.js'),
    import('../adapters/line-sink.js'),
    import('../adapters/request-renderer.js'),
  ]);

  const startedAt = deps.now();
  const runTag = randomAlphanumeric(6, deps.randomBytes).toLowerCase();
  const storeEvents = {
    onError: (e: NodeJS.ErrnoException) =>
      out.info(out.ce.red.bold(`error: cannot write the capture file ${store.file} (${e.code ?? e.message}): answering 503 until it works again, so nothing is acked unrecorded`)),
    onRecover: () => out.info(out.ce.green(`capture file writable again: ${store.file}`)),
  };
  const store = flags.captureFile ? new CaptureStore(flags.captureFile, storeEvents) : CaptureStore.inDir(capturesDir(deps.env), startedAt, runTag, storeEvents);
  try {
    // At start-up an unwritable capture file is fatal: nothing could ever be recorded (or acked).
    store.openOrThrow();
  } catch (e) {
    throw new CliError(`cannot write the capture file ${store.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, flags.captureFile ? 'pass a --capture-file in a folder you can write to' : 'check the permissions of the captures folder, or set COMETBOT_HOME to a writable folder');
  }

  const server = new CallbackServer({ host: parsed.host, port: parsed.port, path: parsed.path, credentials, store, runTag, now: deps.now });
  let local: { port: number; url: string };
  try {
    local = await server.start();
  } catch (e) {
    await store.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${parsed.port} on ${parsed.host} is already in use`, `stop the other process, or pass another port: --port 0 picks a free one`);
    if (code === 'EACCES') throw new CliError(`no permission to listen on port ${parsed.port}`, 'use a port above 1024, e.g. --port 3978');
    throw new CliError(`cannot listen on ${parsed.host}:${parsed.port} (${code ?? (e as Error).message})`, 'check --host and --port');
  }

  // A failure from here until the banner (inspector port taken, the capture file unwritable…) closes
  // everything already started and fails the command: listen never runs on half set up.
  let inspector: { url: string; close(): Promise<void> } | undefined;
  let endpoint: PublicEndpoint | undefined;
  let running = false;
  try {
    const sink = new LineSink(deps.stdout);
    // The REST client (and got) loads only when something needs it: echo, registration, cleanup.
    let clientPromise: Promise<CometChatClient> | undefined;
    const client = conn ? () => (clientPromise ??= createClient(out, conn!.baseUrl, conn!.apiKey, deps.env, deps.sleep)) : undefined;
    const botUid = conn?.profile.bot.uid;

    // Rendering and follow-up work happen after the ack, never before it.
    server.on('request', (req) => {
      if (g.json) sink.write(`{"event":"request",${req.line.slice(1)}`); // the capture line, not re-serialised
      else {
        sink.write(`${summaryLine(out.c, req.record, req.summary)}\n`);
        if (!flags.quiet) sink.write(`${req.record.json ? prettyJson(out.c, req.record.body) : safeText(req.record.rawBody ?? '')}\n`);
      }
    });
    server.on('rejected', (record: CaptureRecord) => {
      if (g.json) sink.write(`${safeJson({ event: 'request', ...record })}\n`);
      else sink.write(`${summaryLine(out.c, record)}\n`);
    });
    let failedCaptures = 0;
    server.on('captureFailed', () => failedCaptures++);

    let forwarder: import('../adapters/forwarder.js').Forwarder | undefined;
    if (parsed.forwardTo) {
      const { Forwarder } = await import('../adapters/forwarder.js');
      forwarder = new Forwarder(parsed.forwardTo, (r) => {
        if (g.json) sink.write(`${safeJson({ event: 'forward', id: r.id, status: r.status, ms: r.ms, ...(r.error ? { error: r.error } : {}) })}\n`);
        else if (r.status !== null) sink.write(`  ${out.c.dim('↪ forwarded')} ${r.status < 400 ? out.c.green(String(r.status)) : out.c.red(String(r.status))} ${out.c.dim(`${r.ms} ms ${r.id}`)}\n`);
        else sink.write(`  ${out.c.red('↪ forward failed')} ${r.error} ${out.c.dim(r.id)}\n`);
      });
      const f = forwarder;
      server.on('request', (req: AcceptedRequest) => f.forward({ id: req.record.id, body: req.bodyText, authorization: req.authorization, contentType: headerString(req.record.headers['content-type']) }));
    }

    const echoQueue = new TaskQueue(4, 1_000);
    if (flags.echo && client && botUid) {
      server.on('request', (req: AcceptedRequest) => {
        const s = req.summary;
        // Never answer the bot itself (that would loop), duplicates, or anything without text.
        if (req.record.duplicate || !s.text || s.sender === botUid || s.category !== 'message') return;
        const target = replyTarget(s);
        if (!target) return;
        echoQueue.push(async () => {
          try {
            const sent = await (await client()).sendBotMessage(botUid, { ...target, category: 'message', type: 'text', data: { text: s.text } });
            if (g.json) sink.write(`${safeJson({ event: 'reply', id: req.record.id, messageId: String(sent.id) })}\n`);
            else sink.write(`  ${out.c.dim('↩ echoed as')} ${botUid} ${out.c.dim(`message ${String(sent.id)} to ${target.receiverType} ${target.receiver}`)}\n`);
          } catch (e) {
            out.warn(`echo reply for ${req.record.id} failed: ${(e as Error).message}`);
          }
        });
      });
    }

    // The inspector (optional) renders the same events in a browser.
    if (flags.inspect) {
      const { startInspector } = await import('../adapters/inspector-server.js');
      inspector = await startInspector({
        port: parsed.inspectPort,
        captureFiles: flags.captureFile ? [store.file] : [], // a new per-run file starts empty
        live: server,
        forwardTo: parsed.forwardTo,
        replayAuth: credentials ?? undefined,
        out,
      });
    }

    // Public URL: opened, verified and (if need be) reopened by the endpoint; rendered here.
    const authtoken = resolveSettings({}, env, conn?.profile).ngrokAuthtoken;
    if (flags.tunnel !== false && authtoken) {
      const { PublicEndpoint } = await import('../adapters/public-endpoint.js');
      endpoint = new PublicEndpoint({
        opener: deps.openTunnel,
        addr: `${parsed.host}:${local.port}`,
        authtoken,
        domain: flags.domain ?? conn?.profile.ngrokDomain,
        credentials,
        path: parsed.path,
        server,
        nonce: () => randomAlphanumeric(16, deps.randomBytes),
      });
      endpoint.on('status', (status) => out.info(status === 'connected' ? out.ce.green(`tunnel ${status}`) : out.ce.yellow(`tunnel ${status}: ngrok is reconnecting…`)));
      try {
        await out.spin('Opening ngrok tunnel…', endpoint.open());
      } catch (e) {
        out.warn(`could not open the ngrok tunnel: ${(e as Error).message}`);
        out.info('  continuing local-only; check the token (dashboard.ngrok.com → Your Authtoken) and your network');
      }
    } else if (flags.tunnel !== false) {
      out.info(out.ce.dim('no ngrok authtoken: local only. Add one with cometbot init --ngrok-authtoken <token> or NGROK_AUTHTOKEN=<token> for a public URL.'));
    }
    const publicUrl = () => endpoint?.url ?? null;
    // An API on this machine (cometbot emulate) can call this machine: the local URL is its webhook.
    const apiIsLocal = conn ? isLoopback(new URL(conn.baseUrl).hostname) : false;
    const webhookUrl = () => publicUrl() ?? (apiIsLocal ? local.url : null);

    const register = async (enabled: boolean): Promise<void> => {
      if (!client || !botUid) return;
      const url = webhookUrl();
      try {
        await (await client()).updateBot(botUid, enabled ? { webhookURL: url, enabled: true } : { enabled: false });
        out.success(enabled ? `webhook of bot ${botUid} set to ${url} (enabled)` : `bot ${botUid} disabled (--cleanup)`);
      } catch (e) {
        out.warn(`could not ${enabled ? 'register the webhook' : 'disable the bot'} (${(e as Error).message}); set it in the dashboard: AI Agents → Custom Bots → ${botUid}`);
      }
    };
    if (webhookUrl() && flags.register !== false) await register(true);

    const announce = () => {
      if (g.json) {
        sink.write(`${safeJson({ event: 'ready', localUrl: local.url, publicUrl: publicUrl(), captureFile: store.file, ...(inspector ? { inspectUrl: inspector.url } : {}) })}\n`);
        return;
      }
      out.info(`${out.ce.bold('cometbot listen')}${botUid ? ` — bot ${botUid}, profile ${g.profile}` : ''}`);
      out.info(`  local    ${local.url}`);
      if (publicUrl()) out.info(`  public   ${publicUrl()}${credentials ? out.ce.dim('  (Basic Auth checked here)') : ''}`);
      out.info(`  capture  ${store.file}`);
      if (inspector) out.info(`  inspect  ${inspector.url}`);
      if (forwarder) out.info(`  forward  ${forwarder.target.href}`);
      out.info(out.ce.dim('Waiting for requests… Ctrl-C to stop.'));
    };
    announce();

    if (endpoint?.url) {
      const e = endpoint;
      void e.selfTest().then(async (result) => {
        if (result === 'verified') out.success('public URL verified');
        else if (result === 'unreachable') out.warn(`the public URL did not reach this machine within ${SELFTEST_TIMEOUT_MS / 1000} s; CometChat's callbacks may not arrive (check the tunnel and firewall)`);
        else if (result === 'lost') out.warn('ngrok’s edge auth does not pass the Authorization header on, and the tunnel could not be reopened without it: local only now');
        else {
          out.warn('ngrok’s edge auth does not pass the Authorization header on; reopened the tunnel without edge auth (cometbot still checks Basic Auth locally)');
          if (flags.register !== false) await register(true);
          if (g.json) announce();
          else out.info(`  public   ${publicUrl()}`);
        }
      });
    }

    running = true;
    // Run until SIGINT/SIGTERM; a second signal forces the exit (130) without waiting for anything.
    const forced = await new Promise<boolean>((resolve) => {
      const stop = () => {
        deps.signals.off('SIGINT', stop);
        deps.signals.off('SIGTERM', stop);
        const force = () => {
          out.info(out.ce.yellow('forced exit'));
          server.destroy();
          void store.close(); // writes what is queued: nothing acked is lost
          void endpoint?.close();
          void inspector?.close();
          resolve(true);
        };
        deps.signals.once('SIGINT', force);
        deps.signals.once('SIGTERM', force);
        void shutdown().then(() => {
          deps.signals.off('SIGINT', force);
          deps.signals.off('SIGTERM', force);
          resolve(false);
        });
      };
      deps.signals.on('SIGINT', stop);
      deps.signals.on('SIGTERM', stop);
    });
    if (forced) throw new CancelledError('stopped by a second Ctrl-C before the shutdown finished', 'every acknowledged request is in the capture file; forwards and replies still queued were dropped');

    async function shutdown(): Promise<void> {
      if (!g.json) out.info(out.ce.dim('\nstopping…'));
      await server.close(SHUTDOWN_GRACE_MS);
      await Promise.all([forwarder?.drain(3_000), echoQueue.drain(3_000)]);
      if (flags.cleanup) await register(false);
      await endpoint?.close();
      await inspector?.close();
      await store.close();
      const { notShown, stalled } = await sink.close();
      if (notShown > 0) out.info(out.ce.yellow(`${notShown} output line(s) were not shown: stdout was not keeping up (every request is in the capture file)`));
      if (stalled) {
        out.info(out.ce.yellow('stdout is not being read: exiting without the output still queued for it'));
        deps.exitNow = true;
      }
      const c = server.counts;
      const total = c.accepted + c.rejected + c.failed;
      out.info(
        `${total} request${total === 1 ? '' : 's'}: ${c.accepted} accepted${c.duplicates ? ` (${c.duplicates} duplicate)` : ''}, ${c.rejected} rejected${failedCaptures ? `, ${failedCaptures} answered 503 (capture failed)` : ''} → ${store.file}`,
      );
    }
  } catch (e) {
    if (!running) {
      server.destroy();
      await endpoint?.close().catch(() => undefined);
      await inspector?.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    }
    throw e;
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

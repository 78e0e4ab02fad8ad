// `cometbot emulate`: a local CometChat stand-in to build and test a bot with no account.
import type { Command } from 'commander';
import { isLoopback as isLoopbackHost } from '../core/loopback.js';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { parseDelays } from '../core/duration.js';
import { parseEmulateOptions, type EmulateFlags, type EmulateOptions } from '../emulator/options.js';
import { DEFAULT_EMULATOR_KEY, DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import type { Output } from '../adapters/output.js';
import type { Emulator } from '../emulator/server.js';
import type { Delivery } from '../emulator/backend/index.js';
import { serverStartError } from '../core/server-start-error.js';
import { createOutput, globalOptions, type GlobalOptions } from './context.js';
import { safeLine } from '../core/terminal-text.js';
import { messageWhat, messageWhere } from '../core/describe-message.js';
import { untilStopped } from './until-stopped.js';

export type { EmulateFlags };

export { DEFAULT_EMULATOR_KEY, DEFAULT_EMULATOR_PORT };

export function registerEmulate(program: Command, deps: Deps): Command {
  return program
    .command('emulate')
    .description(SUMMARY.emulate)
    .option('--port <n>', 'port (0 = any free port)', String(DEFAULT_EMULATOR_PORT))
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--app-id <id>', 'app id it pretends to be', 'emulator')
    .option('--api-key <key>', 'REST API key it accepts', DEFAULT_EMULATOR_KEY)
    .option('--region <region>', 'region it reports in callbacks', 'us')
    .option('--as <uid>', 'who you are at the chat prompt', 'alice')
    .option('--no-seed', 'start empty (no sample users alice, bob, carol and group team)')
    .option('--retry-delays <d,d>', 'waits before callback retries: durations (10s,30s) or milliseconds (default 10s,30s)')
    .option('--operations', 'print the REST operations it serves (method, path, operationId) and exit')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot emulate                     # then, in another terminal:
  $ export COMETBOT_API_URL=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/v3 COMETCHAT_API_KEY=${DEFAULT_EMULATOR_KEY}
  $ cometbot init --app-id emulator --region us --uid my-bot && cometbot listen --no-tunnel

  $ cometbot emulate --operations        # the REST operations it serves

At the chat prompt: type a message to send it as the current user; /to <uid>, /group <guid>,
/join <guid> (the bot joins a group), /add <uid> <guid>, /as <uid>, /history [n], /reply <id> <text>,
/react <id> <emoji>, /edit <id> <text>, /delete <id>, /state, /save <file>, /help, /quit.
Off a terminal it just serves and logs.
Scripts can read GET /_emulator/state for conversations and callback deliveries.`,
    )
    .action(async (raw: EmulateFlags, cmd: Command) => {
      await runEmulate(parseEmulateOptions(raw), deps, globalOptions(cmd, deps));
    });
}

export { parseDelays };

export async function runEmulate(options: EmulateOptions, deps: Deps, globals: GlobalOptions): Promise<void> {
  const { port, host, appId, region, apiKey, defaultKey, as, seed, retryDelaysMs, operations } = options;
  const out = await createOutput(deps, globals);
  const { Emulator } = await import('../emulator/server.js');
  if (operations) {
    const ops = new Emulator({ seed: false }).operations();
    if (globals.json) out.jsonLine({ operations: ops });
    else {
      const { operationsText } = await import('../emulator/operations-table.js');
      out.data(operationsText(ops).trimEnd());
      out.info(out.errColors.dim(`${ops.length} operations; any other operation of CometChat's REST API answers 501 ERR_NOT_EMULATED`));
    }
    return;
  }
  const emulator = new Emulator({ port, host, appId, region, apiKey, seed, retryDelaysMs, now: deps.now });
  // Subscribed before the server starts: a Ctrl-C at any point after this stops it cleanly.
  const signals = untilStopped(deps.signals);
  try {
    try {
      await emulator.start();
    } catch (e) {
      throw serverStartError(e, { what: 'the emulator', port: `port ${port}`, hint: 'pass another port: --port 0 picks a free one' });
    }
    const envLine = `COMETBOT_API_URL=${emulator.baseUrl} COMETCHAT_API_KEY=${emulator.apiKey}`;
    if (!isLoopbackHost(host)) {
      out.warn(`listening on ${host}: anyone on your network can use this emulator${defaultKey ? ` with its default key "${DEFAULT_EMULATOR_KEY}" (pass --api-key to change it)` : ''}`);
    }

    if (globals.json) out.jsonLine({ event: 'ready', baseUrl: emulator.baseUrl, appId, region, env: envLine });
    else {
      out.info(`${out.errColors.bold('cometbot emulate')}: a local CometChat at ${out.errColors.cyan(emulator.baseUrl)}`);
      out.info(`Point cometbot at it:\n  export ${envLine}`);
      out.info(out.errColors.dim(`users: ${emulator.backend.users.list().map((u) => u.uid).join(', ') || '(none)'}; groups: ${emulator.backend.groups.list().map((gr) => gr.guid).join(', ') || '(none)'}`));
    }
    const printer: Printer = { before: () => undefined, after: () => undefined };
    watch(emulator, out, globals.json, printer);

    const { canPrompt } = await import('../adapters/prompts.js');
    const interactive = !globals.json && canPrompt(deps, false);
    await Promise.race([signals.stopped, ...(interactive ? [chat(emulator, deps, out, as, printer)] : [])]);
  } finally {
    signals.dispose();
    await emulator.close(); // after a failure too
  }
  const deliveries = emulator.backend.deliveries().length;
  if (!globals.json) out.info(out.errColors.dim(`emulator stopped: ${emulator.backend.allMessages().length} message(s), ${deliveries} callback deliver${deliveries === 1 ? 'y' : 'ies'}`));
}

/** Lets the chat prompt step aside while an event is printed, then redraw itself with the typed text. */
export interface Printer {
  before: () => void;
  after: () => void;
}

/** Prints bot replies and callback delivery outcomes as they happen. */
export function watch(emulator: Emulator, out: Output, json: boolean, printer: Printer): void {
  emulator.on('message', (m) => {
    if (json) return out.jsonLine({ event: 'message', message: m });
    const who = emulator.backend.bots.find(String(m.sender)) ? out.colors.magenta(safeLine(String(m.sender))) : out.colors.cyan(safeLine(String(m.sender)));
    printer.before();
    out.data(`${who} → ${safeLine(messageWhere(m))}: ${safeLine(messageWhat(m))}`);
    printer.after();
  });
  // A refused REST call is what a developer needs to see ("why does my bot get 401?").
  emulator.on('outbox', (e) => {
    if (e.status < 400 || e.injected || json) return;
    printer.before();
    out.warn(`${e.method} ${e.path}${e.host ? ` (via ${safeLine(e.host)})` : ''} → ${e.status} ${e.errorCode ?? ''}`);
    printer.after();
  });
  emulator.on('turn', (t) => {
    if (json) out.jsonLine({ event: 'turn', callbackId: t.callbackId, to: t.to, status: t.status, ackMs: t.ackMs, replies: t.replies });
  });
  emulator.on('not-relayed', (e) => {
    if (json) return out.jsonLine({ event: 'not-relayed', messageId: e.message.id, skipped: e.skipped });
    printer.before();
    for (const s of e.skipped) out.info(out.errColors.dim(`  · message ${String(e.message.id)} not relayed: ${safeLine(s.reason)}`));
    printer.after();
  });
  emulator.on('delivery', (d: Delivery) => {
    const last = d.attempts.at(-1)!;
    if (json) return out.jsonLine({ event: 'delivery', delivery: d });
    const outcome = last.status !== undefined ? `HTTP ${last.status}` : last.error;
    const line = `callback #${d.id} for message ${d.messageId} to ${d.bot}: ${outcome} in ${last.ms} ms (attempt ${d.attempts.length})`;
    printer.before();
    if (d.state === 'delivered') out.info(out.errColors.dim(`  ✔ ${line}`));
    else if (d.state === 'failed') out.info(out.errColors.red(`  ✖ ${line}; giving up`));
    else out.info(out.errColors.yellow(`  ↻ ${line}; will retry`));
    printer.after();
  });
}

/** The chat prompt: a person types as an emulated user; the emulator's ChatSession gives each line its meaning. */
export async function chat(emulator: Emulator, deps: Deps, out: Output, as: string, printer: Printer): Promise<void> {
  const { createInterface } = await import('node:readline');
  const { ChatSession } = await import('../emulator/chat-session.js');
  const { writeFile } = await import('node:fs/promises');
  const rl = createInterface({ input: deps.stdin, output: deps.stderr as NodeJS.WritableStream, terminal: true });
  const session = new ChatSession(emulator, as, {
    writeFile: (path, text) =>
      writeFile(path, text, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw new Error(e.code === 'EEXIST' ? `${path} already exists: /save to another name` : `could not save ${path} (${e.code ?? e.message})`);
      }),
  });
  out.info(out.errColors.dim('Type a message and press Enter. /to <uid>, /group <guid>, /as <uid>, /history, /react, /edit, /delete, /state, /help, /quit'));
  rl.on('SIGINT', () => rl.close());
  printer.before = () => deps.stderr.write('\r\x1b[2K');
  printer.after = () => rl.prompt(true);
  // A bot registered while the prompt waits (cometbot init in another terminal): show it at once.
  const onRequest = (r: { method: string; path: string; status: number }) => {
    if (r.status >= 300 || !/^\/v3\/bots(\/|$)/.test(r.path) || r.method === 'GET' || session.hasTarget()) return;
    printer.before();
    rl.setPrompt(session.prompt());
    printer.after();
  };
  emulator.on('request', onRequest);
  rl.setPrompt(session.prompt());
  rl.prompt();
  try {
    // Lines are buffered by the iterator, so fast typing (or a paste) loses nothing.
    for await (const raw of rl) {
      const reply = await session.handle(raw);
      if (reply.quit) return;
      for (const l of reply.lines) (l.level === 'warn' ? out.warn(safeLine(l.text)) : out.info(safeLine(l.text)));
      rl.setPrompt(session.prompt());
      rl.prompt();
    }
  } finally {
    emulator.off('request', onRequest);
    session.close();
    printer.before = printer.after = () => undefined;
    rl.close();
  }
}

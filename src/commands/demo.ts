// `cometbot demo`: the whole loop offline, in one command, each step checked.
import type { Command } from 'commander';
import type { PassThrough } from 'node:stream';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import type { CometChatClient } from '../adapters/cometchat-client.js';
import type { AcceptedRequest } from '../listen/callback-server.js';
import type { BotMessageEvent } from '../emulator/server.js';
import { CancelledError, CliError } from '../errors.js';
import { untilStopped } from './until-stopped.js';
import { createOutput, globalOptions, type GlobalOptions } from './context.js';

const STEP_TIMEOUT_MS = 8_000;
const BOT = 'demo-bot';
const USER = 'alice';

export function registerDemo(program: Command, deps: Deps): Command {
  return program
    .command('demo')
    .description(SUMMARY.demo)
    .option('--keep', 'keep the temporary COMETBOT_HOME (config and captures) and print its path')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot demo
  $ npm run demo          # from a clone, after npm ci

No account, network or token is needed: everything runs on 127.0.0.1 and is cleaned up.`,
    )
    .action(async (raw: { keep?: boolean }, cmd: Command) => {
      await runDemo(raw, deps, globalOptions(cmd, deps));
    });
}

interface Captured {
  lines: () => string[];
  stream: PassThrough;
}

function captureStream(PassThrough: typeof import('node:stream').PassThrough): Captured {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

export async function runDemo(flags: { keep?: boolean }, deps: Deps, globals: GlobalOptions): Promise<void> {
  const out = await createOutput(deps, globals);
  const started = performance.now();
  // Loaded here, not at the top: nothing but commander belongs on the start-up path.
  const [{ EventEmitter }, { PassThrough }, { mkdtempSync, rmSync }, { tmpdir }, { join }] = await Promise.all([
    import('node:events'),
    import('node:stream'),
    import('node:fs'),
    import('node:os'),
    import('node:path'),
  ]);
  const capture = () => captureStream(PassThrough);
  let home = '';
  const { Emulator } = await import('../emulator/server.js');
  const emulator = new Emulator({ appId: 'demo', region: 'eu', apiKey: 'demo-key', now: deps.now });
  const cleanups: (() => Promise<unknown> | void)[] = [];

  // Sub-commands run in-process against a temporary home and the emulator; their output is captured.
  const subDeps = (stdout: PassThrough, stderr: PassThrough, signals: NodeJS.EventEmitter = new EventEmitter()): Deps => ({
    ...deps,
    env: { ...deps.env, COMETBOT_HOME: home, COMETBOT_API_URL: emulator.baseUrl, COMETCHAT_API_KEY: emulator.apiKey, NGROK_AUTHTOKEN: undefined, COMETBOT_PROFILE: undefined, NO_COLOR: '1' },
    stdin: new PassThrough(),
    stdout,
    stderr,
    signals,
  });

  // Ctrl-C ends the step in progress; the finally below still closes everything and removes the home.
  const signals = untilStopped(deps.signals);
  const stopped = signals.stopped.then((): never => {
    throw new CancelledError('demo stopped', 'nothing was left behind: the emulator and listen are closed, the demo folder removed');
  });
  stopped.catch(() => undefined);

  let n = 0;
  // The step at work: after a Ctrl-C it is let finish (at most its timeout) before the clean-up, so
  // nothing it writes lands in a folder already removed.
  let current: Promise<unknown> | undefined;
  const step = async <T>(label: string, work: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> => {
    n++;
    try {
      const working = withTimeout(work(), STEP_TIMEOUT_MS, label);
      current = working;
      const value = await Promise.race([working, stopped]);
      const extra = detail?.(value);
      if (globals.json) out.jsonLine({ step: n, label, ok: true });
      else out.data(`${out.colors.green('✔')} ${label}${extra ? out.colors.dim(`  ${extra}`) : ''}`);
      return value;
    } catch (e) {
      if (globals.json) out.jsonLine({ step: n, label, ok: false, error: (e as Error).message });
      else out.data(`${out.colors.red('✖')} ${label}`);
      if (e instanceof CancelledError) throw e;
      throw new CliError(`demo step ${n} failed (${label}): ${(e as Error).message.split('\n')[0]}`, 'run again with COMETBOT_DEBUG=1, and please report it if it keeps failing');
    }
  };

  try {
    await step('Start a local CometChat emulator', () => emulator.start(), () => emulator.baseUrl);
    cleanups.push(() => emulator.close());

    const initOut = capture();
    const initResult = await step(`cometbot init: create the bot user "${BOT}" and register the bot`, async () => {
      home = mkdtempSync(join(tmpdir(), 'cometbot-demo-'));
      const { runInit } = await import('./init.js');
      return runInit({ appId: 'demo', region: 'eu', uid: BOT, name: 'Demo Bot', groupSetting: 'mentionedMessages', bot: true, yes: true }, subDeps(initOut.stream, capture().stream), { profile: 'default', json: true, color: false });
    }, (r) => `profile in ${home}, callback user ${r.callback.username}`);

    // listen, as a session held here: the demo awaits its events rather than reading its output.
    const { ListenSession } = await import('../listen/session.js');
    const { createClient } = await import('./context.js');
    const { capturesDir } = await import('../env.js');
    const quiet = await createOutput({ ...deps, stdout: capture().stream, stderr: capture().stream }, { profile: 'default', json: true, color: false });
    let client: Promise<CometChatClient> | undefined;
    const { listenSessionOptions } = await import('../listen/options.js');
    const session = new ListenSession(
      listenSessionOptions({
        options: { host: '127.0.0.1', port: 0, path: '/' },
        credentials: initResult.callback,
        capturesDir: capturesDir({ COMETBOT_HOME: home }),
        now: deps.now,
        randomBytes: deps.randomBytes,
        echo: true,
        client: () => (client ??= createClient(quiet, emulator.baseUrl, emulator.apiKey, {}, deps.sleep)),
        botUid: BOT,
        apiUrl: emulator.baseUrl,
        register: true,
        cleanup: false,
      }),
    );
    const ready = await step('cometbot listen --no-tunnel --echo: callback server with Basic Auth', async () => {
      const r = await session.start();
      cleanups.push(() => session.close(1_000));
      return r;
    }, (r) => r.localUrl);

    await step('listen set the bot’s webhook to its local URL (the API is local) and enabled it', async () => {
      const bot = emulator.backend.bots.find(BOT);
      if (bot?.webhookURL !== ready.localUrl || !bot.enabled) throw new Error(`the bot's webhook is ${bot?.webhookURL ?? 'unset'}`);
      return bot.webhookURL;
    });

    const text = 'Hello, bot! What can you do?';
    // Listened for before the message is sent: the events cannot be missed.
    const captured = next<AcceptedRequest>(session, 'request', () => true);
    const echoed = next<BotMessageEvent>(emulator, 'bot-message', (e) => e.message.sender === BOT && e.message.receiver === USER);
    await step(`${USER} says "${text}" to ${BOT}`, async () => emulator.userSays(USER, { receiver: BOT, receiverType: 'user' }, text));

    const request = await step('The emulator relayed it; listen captured it before answering 200', async () => (await captured).record, (r) => `${r.id} → ${ready.captureFile}`);
    if (!globals.json) {
      const { prettyJson } = await import('../adapters/request-renderer.js');
      out.data(indent(prettyJson(out.colors, request.body)));
    }

    const ts = await step('Infer TypeScript types from the captured payload (cometbot captures schema)', async () => {
      const { SchemaInferrer } = await import('../core/schema.js');
      const { toTypeScript } = await import('../adapters/typescript-emitter.js');
      const inferrer = new SchemaInferrer();
      inferrer.add(request.body);
      return toTypeScript(inferrer.toJsonSchema());
    });
    // The per-field sample counts are noise for a single sample: show the bare types here.
    if (!globals.json) out.data(indent(ts.replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, '').trim()));

    await step(`The echo reply from ${BOT} arrived in the emulator`, async () => {
      const { message } = await echoed;
      if ((message.data as { text?: unknown }).text !== text) throw new Error(`the reply was ${JSON.stringify(message.data)}`);
      return message;
    }, (m) => `message ${String(m.id)}: "${String((m.data as { text?: unknown }).text)}"`);

    await step(`cometbot say --to ${USER}: a reply from a script arrived too`, async () => {
      const { runSay } = await import('./say.js');
      const sayOut = capture();
      await runSay(['Thanks for trying cometbot!'], { to: USER }, subDeps(sayOut.stream, capture().stream), { profile: 'default', json: true, color: false });
      // say returns once the API stored the message: it is there now, or it never will be.
      const m = emulator.backend.allMessages().find((x) => x.sender === BOT && x.data.text === 'Thanks for trying cometbot!');
      if (!m) throw new Error('the emulator holds no such message');
      return m;
    }, (m) => `message ${m.id}`);

    await step('Shut everything down', async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!globals.json) {
      out.data('');
      out.data(`${out.colors.green.bold('Demo complete')} in ${seconds} s. Next, your own bot (still offline):`);
      out.data('  cometbot new my-bot                    # a correct bot with its tests and CI (--template node|typescript|python)');
      out.data('  cd my-bot && cometbot dev -- node bot.js   # chat with it; it restarts when you save');
      out.data('  cometbot test -- node bot.js           # run tests/bot.convo.yaml against it');
      out.data('Then with your CometChat app: cometbot init, cometbot listen --forward-to http://localhost:3000/');
    } else out.jsonLine({ done: true, seconds: Number(seconds) });
  } finally {
    signals.dispose();
    await current?.catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    if (flags.keep && home) out.info(`kept ${home}`);
    else if (home) rmSync(home, { recursive: true, force: true });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The next `event` from `emitter` whose payload passes `pred`. */
function next<T>(emitter: unknown, event: string, pred: (value: T) => boolean): Promise<T> {
  const e = emitter as NodeJS.EventEmitter;
  return new Promise((resolve) => {
    const fn = (value: T) => {
      if (!pred(value)) return;
      e.off(event, fn);
      resolve(value);
    };
    e.on(event, fn);
  });
}

function withTimeout<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${label}`)), ms);
    }),
  ]);
}

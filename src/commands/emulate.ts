// `cometbot emulate`: a local CometChat stand-in to build and test a bot with no account.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_EMULATOR_KEY, DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import type { Output } from '../adapters/output.js';
import type { Emulator } from '../emulator/server.js';
import type { Delivery } from '../emulator/state.js';
import { CliError, UsageError } from '../errors.js';
import { parsePort, validateAppId, validateRegion } from '../core/validate.js';
import { createOutput, globalOptions, type GlobalOptions } from './context.js';
import { safeLine } from '../core/terminal-text.js';
import type { ChatEntry } from '../core/convo/record.js';

export interface EmulateFlags {
  port?: string;
  host?: string;
  appId?: string;
  apiKey?: string;
  region?: string;
  as?: string;
  seed: boolean;
  retryDelays?: string;
}

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
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot emulate                     # then, in another terminal:
  $ export COMETBOT_API_URL=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/v3 COMETCHAT_API_KEY=${DEFAULT_EMULATOR_KEY}
  $ cometbot init --app-id emulator --region us --uid my-bot && cometbot listen --no-tunnel

At the chat prompt: type a message to send it as the current user; /to <uid>, /group <guid>,
/join <guid> (the bot joins a group), /add <uid> <guid>, /as <uid>, /state, /help, /quit. Off a terminal it just serves and logs.
Scripts can read GET /_emulator/state for conversations and callback deliveries.`,
    )
    .action(async (raw: EmulateFlags, cmd: Command) => {
      await runEmulate(raw, deps, globalOptions(cmd, deps));
    });
}

/** `10s,30s` or milliseconds `10000,30000` (what listen --respond measured). */
export function parseDelays(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const delays = raw.split(',').map((s) => parseDuration(s.trim()));
  if (delays.some((d) => d === undefined)) throw new UsageError(`invalid --retry-delays "${raw}"`, 'e.g. --retry-delays 10s,30s (or milliseconds: 10000,30000)');
  return delays as number[];
}

export async function runEmulate(flags: EmulateFlags, deps: Deps, g: GlobalOptions): Promise<void> {
  const port = parsePort(flags.port ?? String(DEFAULT_EMULATOR_PORT));
  const appId = validateAppId(flags.appId ?? 'emulator');
  const region = validateRegion(flags.region ?? 'us');
  const retryDelaysMs = parseDelays(flags.retryDelays);
  const out = await createOutput(deps, g);
  const { Emulator } = await import('../emulator/server.js');
  const emulator = new Emulator({ port, host: flags.host, appId, region, apiKey: flags.apiKey ?? DEFAULT_EMULATOR_KEY, seed: flags.seed, retryDelaysMs, now: deps.now });
  try {
    await emulator.start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot start the emulator (${code ?? (e as Error).message})`, 'pass another port: --port 0 picks a free one');
  }
  const envLine = `COMETBOT_API_URL=${emulator.baseUrl} COMETCHAT_API_KEY=${emulator.apiKey}`;
  if (!isLoopbackHost(flags.host ?? '127.0.0.1')) {
    out.warn(`listening on ${flags.host}: anyone on your network can use this emulator${(flags.apiKey ?? DEFAULT_EMULATOR_KEY) === DEFAULT_EMULATOR_KEY ? ` with its default key "${DEFAULT_EMULATOR_KEY}" (pass --api-key to change it)` : ''}`);
  }

  if (g.json) out.jsonLine({ event: 'ready', baseUrl: emulator.baseUrl, appId, region, env: envLine });
  else {
    out.info(`${out.ce.bold('cometbot emulate')}: a local CometChat at ${out.ce.cyan(emulator.baseUrl)}`);
    out.info(`Point cometbot at it:\n  export ${envLine}`);
    out.info(out.ce.dim(`users: ${[...emulator.state.users.keys()].join(', ') || '(none)'}; groups: ${[...emulator.state.groups.keys()].join(', ') || '(none)'}`));
  }
  const printer: Printer = { before: () => undefined, after: () => undefined };
  watch(emulator, out, g.json, printer);

  const { canPrompt } = await import('../adapters/prompts.js');
  const interactive = !g.json && canPrompt(deps, false);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    deps.signals.once('SIGINT', stop);
    deps.signals.once('SIGTERM', stop);
    if (interactive) void chat(emulator, deps, out, flags.as ?? 'alice', printer).then(stop);
  });
  await emulator.close();
  if (!g.json) out.info(out.ce.dim(`emulator stopped: ${emulator.state.messages.length} message(s), ${emulator.state.deliveries.length} callback deliver${emulator.state.deliveries.length === 1 ? 'y' : 'ies'}`));
}

/** The prompt's commands that take arguments, and how many. */
const USAGE: Record<string, { args: number; text: string }> = {
  '/to': { args: 1, text: '/to <uid>: talk to a user or bot' },
  '/group': { args: 1, text: '/group <guid>: talk in a group' },
  '/join': { args: 1, text: '/join <guid>: the bot you talk to joins a group' },
  '/add': { args: 2, text: '/add <uid> <guid>: add someone to a group' },
  '/as': { args: 1, text: '/as <uid>: be someone else' },
  '/save': { args: 1, text: '/save <file>: the chat so far as a .convo.yaml for cometbot test' },
};

/** Lets the chat prompt step aside while an event is printed, then redraw itself with the typed text. */
export interface Printer {
  before: () => void;
  after: () => void;
}

/** Prints bot replies and callback delivery outcomes as they happen. */
export function watch(emulator: Emulator, out: Output, json: boolean, printer: Printer): void {
  emulator.on('message', (m) => {
    if (json) return out.jsonLine({ event: 'message', message: m });
    const text = (m.data as { text?: string }).text ?? `(${String(m.category)}/${String(m.type)})`;
    const who = emulator.state.bots.has(String(m.sender)) ? out.c.magenta(safeLine(String(m.sender))) : out.c.cyan(safeLine(String(m.sender)));
    printer.before();
    out.data(`${who} → ${safeLine(String(m.receiver))}${m.receiverType === 'group' ? ' (group)' : ''}: ${safeLine(text)}`);
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
    for (const s of e.skipped) out.info(out.ce.dim(`  · message ${String(e.message.id)} not relayed: ${safeLine(s.reason)}`));
    printer.after();
  });
  emulator.relay.on('delivery', (d: Delivery) => {
    const last = d.attempts.at(-1)!;
    if (json) return out.jsonLine({ event: 'delivery', delivery: d });
    const outcome = last.status !== undefined ? `HTTP ${last.status}` : last.error;
    const line = `callback #${d.id} for message ${d.messageId} to ${d.bot}: ${outcome} in ${last.ms} ms (attempt ${d.attempts.length})`;
    printer.before();
    if (d.state === 'delivered') out.info(out.ce.dim(`  ✔ ${line}`));
    else if (d.state === 'failed') out.info(out.ce.red(`  ✖ ${line}; giving up`));
    else out.info(out.ce.yellow(`  ↻ ${line}; will retry`));
    printer.after();
  });
}

/** The chat prompt: a person types as an emulated user. */
export async function chat(emulator: Emulator, deps: Deps, out: Output, as: string, printer: Printer): Promise<void> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: deps.stdin, output: deps.stderr as NodeJS.WritableStream, terminal: true });
  let sender = as.toLowerCase();
  let target: { receiver: string; receiverType: 'user' | 'group' } | undefined;
  // Until the developer picks someone, talk to the first bot registered (even one registered later).
  const current = () => {
    if (!target) {
      const firstBot = [...emulator.state.bots.keys()][0];
      if (firstBot) target = { receiver: firstBot, receiverType: 'user' };
    }
    return target;
  };
  if (!emulator.state.users.has(sender)) emulator.state.users.set(sender, { uid: sender, name: sender, status: 'online', role: 'default', createdAt: emulator.state.now() });
  out.info(out.ce.dim('Type a message and press Enter. /to <uid>, /group <guid>, /as <uid>, /state, /help, /quit'));
  const prompt = () => {
    const t = current();
    return `${sender} → ${t ? `${t.receiver}${t.receiverType === 'group' ? ' (group)' : ''}` : '(no bot yet: /to <uid>)'} › `;
  };
  rl.on('SIGINT', () => rl.close());
  printer.before = () => deps.stderr.write('\r\x1b[2K');
  printer.after = () => rl.prompt(true);
  // What is said here, kept for /save: user messages, and the bots' replies as they arrive.
  const transcript: ChatEntry[] = [];
  const onBotMessage = ({ message }: { message: Record<string, unknown> }) => {
    const data = (message.data ?? {}) as { text?: unknown };
    transcript.push({ kind: 'bot', bot: String(message.sender), ...(typeof data.text === 'string' ? { text: data.text } : {}), category: String(message.category), type: String(message.type) });
  };
  emulator.on('bot-message', onBotMessage);
  // A bot registered while the prompt waits (cometbot init in another terminal): show it at once.
  const onRequest = (r: { method: string; path: string; status: number }) => {
    if (r.status >= 300 || !/^\/v3\/bots(\/|$)/.test(r.path) || r.method === 'GET' || target) return;
    printer.before();
    rl.setPrompt(prompt());
    printer.after();
  };
  emulator.on('request', onRequest);
  rl.setPrompt(prompt());
  rl.prompt();
  try {
    // Lines are buffered by the iterator, so fast typing (or a paste) loses nothing.
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/quit') return;
      if (!line) {
        rl.prompt();
        continue;
      }
      const [cmd, arg, arg2] = line.split(/\s+/, 3);
      const usage = USAGE[cmd!];
      if (usage && usage.args > (arg2 !== undefined ? 2 : arg !== undefined ? 1 : 0)) out.warn(`usage: ${usage.text}`);
      else if (cmd === '/help') out.info(Object.values(USAGE).map((u) => u.text).join(' · ') + ' · /state: bots and groups · /quit');
      else if (cmd === '/save') {
        try {
          out.info(await saveChat(emulator, transcript, current(), arg!));
        } catch (e) {
          out.warn(`could not save ${arg}: ${(e as Error).message}`);
        }
      } else if (cmd === '/to') target = { receiver: arg!.toLowerCase(), receiverType: 'user' };
      else if (cmd === '/group') target = { receiver: arg!.toLowerCase(), receiverType: 'group' };
      else if (cmd === '/join' || cmd === '/add') {
        // /join <guid>: the bot you talk to joins the group; /add <uid> <guid>: anyone does.
        const [uid, guid] = cmd === '/join' ? [current()?.receiverType === 'user' ? current()!.receiver : undefined, arg!] : [arg!, arg2!];
        const group = emulator.state.groups.get(guid.toLowerCase());
        if (!uid) out.warn('no bot to add yet: /to <bot uid> first, or /add <uid> <guid>');
        else if (!group) out.warn(`no group ${guid} (groups: ${[...emulator.state.groups.keys()].join(', ') || 'none'})`);
        else if (!emulator.state.users.has(uid.toLowerCase())) out.warn(`no user ${uid}`);
        else {
          group.members.add(uid.toLowerCase());
          const bot = emulator.state.bots.get(uid.toLowerCase());
          out.info(`${uid} joined group ${group.guid}${bot ? ` (its groupChatSetting is ${bot.groupChatSetting}${bot.groupChatSetting === 'mentionedMessages' ? `: write <@uid:${bot.uid}> to reach it` : ''})` : ''}`);
        }
      } else if (cmd === '/as') {
        sender = arg!.toLowerCase();
        if (!emulator.state.users.has(sender)) emulator.state.users.set(sender, { uid: sender, name: sender, status: 'online', role: 'default', createdAt: emulator.state.now() });
      } else if (cmd === '/state') {
        for (const b of emulator.state.bots.values()) out.info(`bot ${b.uid}: ${b.enabled ? 'enabled' : 'disabled'}, webhook ${b.webhookURL ?? '(none)'}, groups: ${b.groupChatSetting}`);
        for (const gr of emulator.state.groups.values()) out.info(`group ${gr.guid}: ${[...gr.members].join(', ')}`);
      } else if (cmd!.startsWith('/')) out.warn(`unknown command ${cmd}; try /help`);
      else if (!current()) out.warn('no one to talk to yet: /to <bot uid> (run cometbot init against this emulator first)');
      else {
        try {
          const sent = emulator.userSays(sender, current()!, line);
          transcript.push({ kind: 'user', sender, receiver: String(sent.receiver), receiverType: sent.receiverType === 'group' ? 'group' : 'user', text: line });
        } catch (e) {
          out.warn((e as Error).message);
        }
      }
      rl.setPrompt(prompt());
      rl.prompt();
    }
  } finally {
    emulator.off('request', onRequest);
    emulator.off('bot-message', onBotMessage);
    printer.before = printer.after = () => undefined;
    rl.close();
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** /save FILE: the chat so far as a conversation file that `cometbot test` passes against the same bot. */
async function saveChat(emulator: Emulator, transcript: ChatEntry[], target: { receiver: string; receiverType: 'user' | 'group' } | undefined, file: string): Promise<string> {
  // The bot talked to: the one the last user message reached, else the current target, else the first.
  const lastUser = [...transcript].reverse().find((e) => e.kind === 'user');
  const candidates = [lastUser?.kind === 'user' && lastUser.receiverType === 'user' ? lastUser.receiver : undefined, target?.receiverType === 'user' ? target.receiver : undefined, ...emulator.state.bots.keys()];
  const botUid = candidates.find((uid) => uid !== undefined && emulator.state.bots.has(uid));
  if (!botUid) throw new Error('no bot in this chat yet');
  const bot = emulator.state.bots.get(botUid)!;
  const usedGroups = new Set(transcript.flatMap((e) => (e.kind === 'user' && e.receiverType === 'group' ? [e.receiver] : [])));
  const groups = [...usedGroups].flatMap((guid) => {
    const g = emulator.state.groups.get(guid);
    return g ? [{ guid, members: [...g.members], bot: g.members.has(botUid) }] : [];
  });
  const { chatToConvo } = await import('../core/convo/record.js');
  const { stringify } = await import('yaml');
  const convo = chatToConvo({ bot: botUid, groupChatSetting: bot.groupChatSetting, entries: transcript, groups });
  const path = /\.convo\.(ya?ml|json)$/.test(file) ? file : `${file}.convo.yaml`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, `# Recorded at the cometbot emulate prompt. Run it: cometbot test ${path} --bot-url <your bot>\n${stringify(convo)}`);
  const steps = (convo.tests as { steps: unknown[] }[])[0]!.steps.length;
  return `saved ${steps} step(s) to ${path}: cometbot test ${path} -- <your bot's command>`;
}

// `cometbot say`: send a message as the profile's bot.
import type { Command } from 'commander';
import type { Deps, InStream } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { buildBotMessage } from '../core/message.js';
import { UsageError } from '../errors.js';
import { createClient, createOutput, globalOptions, loadConnection, type GlobalOptions } from './context.js';

export interface SayFlags {
  to?: string;
  group?: string;
  thread?: string;
  metadata?: string;
  custom?: string;
  data?: string;
  muid?: string;
  apiUrl?: string;
}

export function registerSay(program: Command, deps: Deps): Command {
  return program
    .command('say')
    .description(SUMMARY.say)
    .argument('[text...]', 'message text; "-" or none reads stdin when it is piped')
    .option('--to <uid>', 'send to this user')
    .option('--group <guid>', 'send to this group')
    .option('--thread <messageId>', 'reply in the thread of this message')
    .option('--metadata <json>', 'JSON object stored as data.metadata')
    .option('--custom <type>', 'send a custom message of this type (needs --data)')
    .option('--data <json>', 'JSON object for a custom message (data.customData)')
    .option('--muid <id>', 'client message id, kept across retries (default: generated)')
    .option('--api-url <url>', 'REST base URL (env COMETBOT_API_URL)')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot say --to alice "Hello from the bot"
  $ cometbot say --group support --metadata '{"source":"cron"}' "Daily report is ready"
  $ git log -1 --format=%s | cometbot say --to alice
  $ cometbot say --to alice --custom poll --data '{"question":"Lunch?","options":["pizza","salad"]}'
  $ cometbot say --to alice --thread 1234 "Replying in the thread"`,
    )
    .action(async (text: string[], raw: SayFlags, cmd: Command) => {
      await runSay(text, raw, deps, globalOptions(cmd, deps));
    });
}

export async function runSay(words: string[], flags: SayFlags, deps: Deps, globals: GlobalOptions): Promise<Record<string, unknown>> {
  const out = await createOutput(deps, globals);
  const fromStdin = words.length === 0 || (words.length === 1 && words[0] === '-');
  if (fromStdin && deps.stdin.isTTY && flags.custom === undefined) {
    throw new UsageError('no message text', 'pass the text as arguments, or pipe it: echo hi | cometbot say --to alice');
  }
  const text = fromStdin ? (deps.stdin.isTTY ? '' : (await readAll(deps.stdin)).replace(/\r?\n$/, '')) : words.join(' ');
  // All local checks (receiver, JSON, empty text) run before the profile is even loaded.
  const body = buildBotMessage({ ...flags, text, muid: flags.muid ?? `cometbot-${Buffer.from(deps.randomBytes(12)).toString('hex')}` });
  const conn = await loadConnection(deps, out, globals, flags);
  const client = await createClient(out, conn.baseUrl, conn.apiKey, deps.env, deps.sleep);
  const botUid = conn.profile.bot.uid;
  const sent = await out.spin(
    'Sending…',
    flags.thread ? client.sendThreadMessage(flags.thread, body, botUid) : client.sendBotMessage(botUid, body),
  );
  if (globals.json) out.jsonLine(sent);
  else {
    out.data(String(sent.id));
    out.success(`sent as ${botUid} to ${String(body.receiverType)} ${String(body.receiver)}${flags.thread ? ` in thread ${flags.thread}` : ''}`);
  }
  return sent;
}

async function readAll(stream: InStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

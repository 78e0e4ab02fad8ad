// `cometbot trigger`: a synthetic callback, shaped as CometChat sends it, POSTed with Basic Auth to
// listen or straight to your bot. Stripe's `trigger`, for CometChat.
import type { Command } from 'commander';
import { collect } from '../core/collect.js';
import type { Deps } from '../deps.js';
import type { Credentials } from '../core/basic-auth.js';
import { SUMMARY } from './summaries.js';
import { CliError, UsageError } from '../errors.js';
import { KINDS, KIND_SUMMARY, SHAPES, buildMessage, parseSet, setPath, wrapCallback, type Kind, type Shape } from '../core/payloads.js';
import { parseUserPass } from '../core/basic-auth.js';
import { validateUrl } from '../core/validate.js';
import { safeLine } from '../core/terminal-text.js';
import { createOutput, globalOptions, openConfig, type GlobalOptions } from './context.js';
import { findProfile } from '../core/profile.js';

export interface TriggerFlags {
  to?: string;
  from?: string;
  bot?: string;
  group?: string;
  text?: string;
  mention?: string[];
  set?: string[];
  payload?: string;
  shape?: string;
  auth?: string | boolean;
  times?: string;
  list?: boolean;
}

export function registerTrigger(program: Command, deps: Deps): Command {
  return program
    .command('trigger')
    .description(SUMMARY.trigger)
    .argument('[kind]', `${KINDS.join(', ')} (default text)`)
    .option('--to <url>', 'where to POST it (default listen’s http://127.0.0.1:3978/)')
    .option('--from <uid>', 'the sender (default alice)')
    .option('--bot <uid>', 'the bot (default: the profile’s, else my-bot)')
    .option('--group <guid>', 'a group message to this group')
    .option('--text <text>', 'the message text')
    .option('--mention <uid>', 'mention this user (repeatable)', collect, [])
    .option('--set <path=value>', 'set a dot path in the payload: JSON, or a string (repeatable)', collect, [])
    .option('--payload <file>', 'send this JSON file (or - for stdin) instead of building one')
    .option('--shape <shape>', `${SHAPES.join(', ')} (default bot: the bot callback)`)
    .option('--auth <user:pass>', 'Basic Auth (default: the profile’s callback credentials)')
    .option('--no-auth', 'send no Authorization header')
    .option('--times <n>', 'send the same payload n times, as a redelivery would (default 1)')
    .option('--list', 'list the kinds')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot trigger                                   # a text to listen on 127.0.0.1:3978
  $ cometbot trigger mention --group support --text "can you help?" --to http://localhost:3000/bot
  $ cometbot trigger edited --shape webhook
  $ cometbot trigger --set data.data.text="hi there" --set data.id=9001 --times 2
  $ cometbot trigger --payload captured.json --to http://localhost:3000/bot
Exit 1 when the answer is not 2xx or nothing answers.`,
    )
    .action(async (kind: string | undefined, raw: TriggerFlags, cmd: Command) => {
      await runTrigger(kind, raw, deps, globalOptions(cmd, deps));
    });
}


export async function runTrigger(kindArg: string | undefined, flags: TriggerFlags, deps: Deps, globals: GlobalOptions): Promise<void> {
  const out = await createOutput(deps, globals);
  if (flags.list) {
    for (const k of KINDS) out.data(`${k.padEnd(8)} ${KIND_SUMMARY[k]}`);
    return;
  }
  // Every local check first.
  const kind = (kindArg ?? 'text') as Kind;
  if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kindArg}"`, `use one of ${KINDS.join(', ')} (cometbot trigger --list)`);
  const shape = (flags.shape ?? 'bot') as Shape;
  if (!SHAPES.includes(shape)) throw new UsageError(`unknown --shape "${flags.shape}"`, `use one of ${SHAPES.join(', ')}`);
  const target = validateUrl(flags.to ?? 'http://127.0.0.1:3978/', '--to');
  const times = flags.times === undefined ? 1 : Number(flags.times);
  if (!Number.isInteger(times) || times < 1 || times > 1000) throw new UsageError(`invalid --times "${flags.times}"`, 'a whole number from 1 to 1000');
  const sets = (flags.set ?? []).map((raw) => parseSet(raw) ?? badSet(raw));
  let auth: Credentials | undefined;
  if (typeof flags.auth === 'string') auth = parseUserPass(flags.auth) ?? badAuth();

  // The profile, if there is one, gives the bot, the app and the callback credentials.
  const profile = findProfile((await openConfig(deps, out)).load(), globals.profile);
  if (flags.auth !== false && !auth) {
    auth = profile?.callback;
    if (!auth) out.warn('no profile with callback credentials: sending without Basic Auth (pass --auth user:pass, or --no-auth to say so)');
  }

  let payload: Record<string, unknown>;
  if (flags.payload !== undefined) payload = await readPayload(flags.payload, deps);
  else {
    const now = deps.now();
    // A fresh message id for each trigger (listen flags a repeated one as a redelivery).
    const id = String(Buffer.from(deps.randomBytes(4)).readUInt32BE(0) % 900_000_000 + 100_000_000);
    const common = { appId: profile?.appId ?? 'emulator', region: profile?.region ?? 'us', bot: (flags.bot ?? profile?.bot.uid ?? 'my-bot').toLowerCase() };
    const message = buildMessage(kind, { ...common, from: (flags.from ?? 'alice').toLowerCase(), group: flags.group, text: flags.text, mentions: flags.mention?.map((m) => m.toLowerCase()), id, sentAt: Math.floor(now.getTime() / 1000) });
    payload = wrapCallback(message, shape, common);
  }
  for (const { path, value } of sets) {
    try {
      setPath(payload, path, value);
    } catch (e) {
      throw new UsageError(`invalid --set ${path}: ${(e as Error).message}`, 'write a dot path such as data.data.text');
    }
  }

  const { signedPost } = await import('../adapters/signed-post.js');
  const body = JSON.stringify(payload);
  let failed = 0;
  for (let i = 0; i < times; i++) {
    const r = await signedPost({ url: target, body, auth: flags.auth === false ? undefined : auth, userAgent: 'cometbot-trigger', keepBody: true });
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    if (!ok) failed++;
    if (globals.json) out.jsonLine({ status: r.status, ms: r.ms, body: r.body ?? null, ...(r.error ? { error: r.error } : {}), payload });
    else if (r.status === null) out.data(`${out.colors.red('no answer')} ${target.href} ${out.colors.dim(safeLine(r.error ?? ''))}`);
    else out.data(`${ok ? out.colors.green(String(r.status)) : out.colors.red(String(r.status))} ${target.href} ${out.colors.dim(`${r.ms} ms`)} ${safeLine((r.body ?? '').slice(0, 120))}`);
  }
  if (failed > 0) {
    throw new CliError(`${failed} of ${times} deliver${times === 1 ? 'y' : 'ies'} not answered 2xx`, `is the receiver running at ${target.href}? (cometbot listen, or your bot)`);
  }
}

function badSet(raw: string): never {
  throw new UsageError(`invalid --set "${raw}": expected PATH=VALUE`, 'e.g. --set data.data.text=hi, or --set data.id=42');
}

function badAuth(): never {
  throw new UsageError('invalid --auth: expected user:password', 'e.g. --auth cometbot1:secretpassword');
}

async function readPayload(file: string, deps: Deps): Promise<Record<string, unknown>> {
  let text: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of deps.stdin) chunks.push(Buffer.from(c as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    const { readFileSync } = await import('node:fs');
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read --payload ${file} (${(e as NodeJS.ErrnoException).code})`, 'check the path');
    }
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--payload ${file} is not a JSON object (${(e as Error).message})`, 'pass a JSON file such as one cometbot captures export wrote');
  }
}

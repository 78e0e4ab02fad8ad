// `cometbot captures`: list, show, schema, replay, export (and inspect) what CometChat sent.
import type { Command } from 'commander';
import { collect } from '../core/collect.js';
import { parsePositiveInt } from '../core/validate.js';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import type { Output } from '../adapters/output.js';
import type { CaptureReader, StoredRecord } from '../adapters/capture-files.js';
import { CliError, EXIT, ReportedFailure, UsageError } from '../errors.js';
import { capturesDir } from '../env.js';
import { preview, summarize } from '../core/capture.js';
import { parseUserPass, type Credentials } from '../core/basic-auth.js';
import { safeLine, safeText } from '../core/terminal-text.js';
import { parsePort, validateUrl } from '../core/validate.js';
import { createOutput, globalOptions, loadConnection, type GlobalOptions } from './context.js';

interface CommonFlags {
  file?: string[];
}

export function registerCaptures(program: Command, deps: Deps): Command {
  const captures = program
    .command('captures')
    .description(SUMMARY.captures)
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot captures list
  $ cometbot captures show last
  $ cometbot captures schema --format typescript > payload.d.ts
  $ cometbot captures replay last --to http://localhost:3000/bot
  $ cometbot captures export all --out test/fixtures --redact

All subcommands read every capture file (newest first) unless --file is given.`,
    );
  const file = (c: Command) => c.option('--file <path>', 'read this capture file (repeatable)', collect, [] as string[]);
  const withGlobals = <T extends CommonFlags>(fn: (flags: T, globals: GlobalOptions, ...args: string[]) => Promise<void>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const flags = args[args.length - 2] as T;
      await fn(flags, globalOptions(cmd, deps), ...(args.slice(0, -2) as string[]));
    };

  file(captures.command('list').description('one line per captured request, newest first'))
    .option('-n, --limit <n>', `show the newest n requests (default ${DEFAULT_LIST_LIMIT})`)
    .option('--all', 'show every request')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures list\n  $ cometbot captures list --json | jq \'.[0]\'')
    .action(withGlobals<CommonFlags & { limit?: string; all?: boolean }>((flags, globals) => runList(flags, deps, globals)));
  file(captures.command('show').argument('<id>', 'capture id, or "last"').description('headers (auth redacted) and the pretty body'))
    .addHelpText('after', '\nExamples:\n  $ cometbot captures show last\n  $ cometbot captures show k3x9qa-12 --json')
    .action(withGlobals<CommonFlags>((flags, globals, id) => runShow(id!, flags, deps, globals)));
  file(captures.command('schema').description('JSON Schema or TypeScript types inferred from every accepted JSON body'))
    .option('--format <format>', 'json-schema | typescript', 'json-schema')
    .option('--check <schema.json>', 'compare with a schema saved earlier: exit 1 with one line per difference (CI drift check)')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures schema > payload.schema.json\n  $ cometbot captures schema --format typescript > payload.d.ts\n  $ cometbot captures schema --check payload.schema.json   # in CI: fail when the payload changes shape')
    .action(withGlobals<CommonFlags & { format: string; check?: string }>((flags, globals) => runSchema(flags, deps, globals)));
  file(captures.command('stats').description('counts by trigger and kind, redeliveries with their delays, and which kinds no test sends'))
    .addHelpText('after', '\nExamples:\n  $ cometbot captures stats\n  $ cometbot captures stats --json | jq .redeliveries')
    .action(withGlobals<CommonFlags>((flags, globals) => runStats(flags, deps, globals)));
  file(captures.command('to-test').argument('[ids...]', 'capture ids, "last" or "all" (default all)').description('a .convo.yaml whose user steps are the captured callbacks, each followed by bot: any'))
    .requiredOption('--out <file>', 'the conversation file to write (*.convo.yaml)')
    .option('--force', 'replace the file if it exists')
    .option('--run <tag>', 'only the captures of this listen run (the id prefix)')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures to-test --out tests/captured.convo.yaml\n  $ cometbot captures to-test k3x9qa-12 k3x9qa-13 --out one.convo.yaml')
    .action(withGlobals<CommonFlags & { out: string; run?: string; force?: boolean }>((flags, globals, ...ids) => runToTest(ids.flat(), flags, deps, globals)));
  file(captures.command('replay').argument('<id>', 'capture id, or "last"').description('POST a captured body to your bot with a valid Basic Auth header'))
    .requiredOption('--to <url>', 'where to send it')
    .option('--auth <user:pass>', 'Basic Auth credentials (default: the profile callback credentials)')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures replay last --to http://localhost:3000/bot\n  $ cometbot captures replay k3x9qa-12 --to http://localhost:3000/bot --auth bot:secret123')
    .action(withGlobals<CommonFlags & { to: string; auth?: string }>((flags, globals, id) => runReplay(id!, flags, deps, globals)));
  file(captures.command('export').argument('<id>', 'capture id, "last" or "all"').description('write one pretty JSON fixture per payload'))
    .requiredOption('--out <dir>', 'directory for the fixtures')
    .option('--redact', 'replace names, avatars, texts, uids and ids with stable placeholders')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures export all --out test/fixtures --redact\n  $ cometbot captures export last --out /tmp')
    .action(withGlobals<CommonFlags & { out: string; redact?: boolean }>((flags, globals, id) => runExport(id!, flags, deps, globals)));
  file(captures.command('inspect').description('browse captures in the web inspector (read-only)'))
    .option('--inspect-port <n>', 'port (0 = any free port)', '3979')
    .addHelpText('after', '\nExamples:\n  $ cometbot captures inspect\n  $ cometbot captures inspect --inspect-port 0')
    .action(withGlobals<CommonFlags & { inspectPort: string }>((flags, globals) => runInspect(flags, deps, globals)));
  return captures;
}



/** The capture files to read (every file in the captures dir, newest first, or --file). */
async function openCaptures(flags: CommonFlags, deps: Deps): Promise<CaptureReader> {
  const { listCaptureFiles, CaptureReader } = await import('../adapters/capture-files.js');
  const dir = capturesDir(deps.env);
  const files = flags.file?.length ? flags.file : listCaptureFiles(dir);
  for (const f of flags.file ?? []) {
    let regular = false;
    try {
      regular = statSync(f).isFile();
    } catch (e) {
      throw new CliError(`cannot read capture file ${f} (${(e as NodeJS.ErrnoException).code})`, 'check the path given to --file');
    }
    if (!regular) throw new UsageError(`--file ${f} is not a capture file`, 'pass a .jsonl file that cometbot listen wrote, not a folder or a pipe');
  }
  if (files.length === 0) throw new CliError(`no captures yet in ${dir}`, 'run cometbot listen and send your bot a message, or try cometbot demo');
  return new CaptureReader(files);
}

function reportSkipped(reader: CaptureReader, out: Output): void {
  if (reader.skipped > 0) out.warn(`skipped ${reader.skipped} line(s) that are not capture records (e.g. a torn last line)`);
}

/** A record by id; `last` is the newest record, or with `replayable` the newest accepted one with a body. */
async function findRecord(reader: CaptureReader, id: string, out: Output, options: { replayable?: boolean } = {}): Promise<StoredRecord> {
  const record = id === 'last' && options.replayable ? reader.lastReplayable() : await reader.find(id);
  reportSkipped(reader, out);
  if (!record) {
    if (id === 'last') throw new CliError(options.replayable ? 'the capture files hold no accepted request with a body yet' : 'the capture files hold no requests yet', 'run cometbot listen and send your bot a message');
    throw new UsageError(`no capture with id "${id}"`, 'list the ids with cometbot captures list');
  }
  return record;
}

export const DEFAULT_LIST_LIMIT = 50;

export async function runList(flags: CommonFlags & { limit?: string; all?: boolean }, deps: Deps, globals: GlobalOptions): Promise<void> {
  const limit = flags.all ? Infinity : flags.limit ? parsePositiveInt(flags.limit) : DEFAULT_LIST_LIMIT;
  const out = await createOutput(deps, globals);
  const reader = await openCaptures(flags, deps);
  const records = await reader.newest(limit);
  reportSkipped(reader, out);
  const rows = records.map((r) => {
    const s = r.body !== undefined ? summarize(r.body) : {};
    return { id: r.id, receivedAt: r.receivedAt, verdict: r.verdict, status: r.status, sender: s.sender ?? null, receiver: s.receiver ?? null, type: s.category ? `${s.category}/${s.type ?? ''}` : null, text: s.text ?? null, duplicate: Boolean(r.duplicate), json: r.json, file: r.file };
  });
  if (globals.json) return out.jsonLine(rows);
  if (!deps.stdout.isTTY) {
    for (const r of rows) out.data([r.id, r.receivedAt, r.verdict, r.status, r.sender ?? '', r.receiver ?? '', r.type ?? '', preview(r.text ?? '', 80)].map((v) => safeLine(String(v))).join('\t'));
    return;
  }
  const table = [['ID', 'TIME', 'VERDICT', 'SENDER', 'TEXT'], ...rows.map((r) => [r.id, r.receivedAt.replace('T', ' ').slice(0, 19), r.verdict === 'accepted' ? String(r.status) : `${r.status} rejected`, r.sender ? `${r.sender} → ${r.receiver ?? '?'}` : '', preview(r.text ?? (r.json ? '' : '(not JSON)'), 50)].map((v) => safeLine(v)))];
  const widths = table[0]!.map((_, i) => table.reduce((w, row) => Math.max(w, row[i]!.length), 0));
  table.forEach((row, i) => {
    const line = row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd();
    out.data(i === 0 ? out.colors.bold(line) : line);
  });
  out.info(out.errColors.dim(`${rows.length} newest request(s)${rows.length === limit ? ` (--limit ${limit}; --all for every one)` : ''}`));
}

export async function runShow(id: string, flags: CommonFlags, deps: Deps, globals: GlobalOptions): Promise<void> {
  const out = await createOutput(deps, globals);
  const record = await findRecord(await openCaptures(flags, deps), id, out);
  const { file: _file, ...raw } = record;
  if (globals.json) return out.jsonLine(raw);
  const { prettyJson, summaryLine } = await import('../adapters/request-renderer.js');
  out.data(summaryLine(out.colors, raw));
  out.data(out.colors.dim(`file ${record.file}`));
  for (const [k, v] of Object.entries(record.headers)) out.data(`${out.colors.cyan(safeLine(k))}: ${safeLine(Array.isArray(v) ? v.join(', ') : String(v))}`);
  out.data('');
  out.data(record.body !== undefined ? prettyJson(out.colors, record.body) : record.rawBody !== undefined ? safeText(record.rawBody) : out.colors.dim('(no body recorded: the request was rejected)'));
}

export async function runSchema(flags: CommonFlags & { format: string; check?: string }, deps: Deps, globals: GlobalOptions): Promise<void> {
  if (!['json-schema', 'typescript', 'ts'].includes(flags.format)) throw new UsageError(`invalid --format "${flags.format}"`, 'use --format json-schema or --format typescript');
  const out = await createOutput(deps, globals);
  const reader = await openCaptures(flags, deps);
  const { TriggerSchemaInferrer } = await import('../core/schema.js');
  const inferrer = new TriggerSchemaInferrer();
  // Oldest first, so the same captures always give the same bytes.
  for await (const r of reader.oldestFirst()) if (r.verdict === 'accepted' && r.json && r.body !== undefined) inferrer.add(r.body);
  reportSkipped(reader, out);
  if (inferrer.samples === 0) throw new CliError('no accepted JSON payloads to infer a schema from', 'run cometbot listen and send your bot a message');
  const schema = inferrer.toJsonSchema();
  if (flags.check !== undefined) return checkDrift(flags.check, schema as Record<string, unknown>, out, globals);
  if (flags.format === 'json-schema') return void deps.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
  const { toTypeScript } = await import('../adapters/typescript-emitter.js');
  deps.stdout.write(await toTypeScript(schema));
}

export async function runReplay(id: string, flags: CommonFlags & { to: string; auth?: string }, deps: Deps, globals: GlobalOptions): Promise<void> {
  const target = validateUrl(flags.to, '--to');
  let auth: Credentials | undefined;
  if (flags.auth !== undefined) {
    auth = parseUserPass(flags.auth);
    if (!auth) throw new UsageError('invalid --auth: expected user:password', 'e.g. --auth cometbot1:secretpassword');
  }
  const out = await createOutput(deps, globals);
  const record = await findRecord(await openCaptures(flags, deps), id, out, { replayable: true });
  if (record.body === undefined && record.rawBody === undefined) throw new CliError(`capture ${record.id} has no body (it was rejected with ${record.status})`, 'pick an accepted capture from cometbot captures list');
  if (auth === undefined) {
    const conn = await loadConnection(deps, out, globals).catch(() => undefined);
    if (!conn) throw new UsageError('no credentials to sign the replay with', 'pass --auth user:password, or run cometbot init to create a profile');
    auth = conn.profile.callback;
  }
  const { signedPost } = await import('../adapters/signed-post.js');
  const contentType = record.headers['content-type'];
  const result = await signedPost({
    url: target,
    body: record.body !== undefined ? JSON.stringify(record.body) : record.rawBody!,
    json: record.json,
    contentType: record.json ? undefined : Array.isArray(contentType) ? contentType[0] : contentType,
    auth,
    userAgent: 'cometbot-replay',
  });
  if (result.status === null) throw new CliError(`replay to ${target.host} failed: ${result.error}`, 'is your bot running? check the --to URL');
  const { status, ms } = result;
  if (globals.json) out.jsonLine({ id: record.id, url: target.href, status, ms });
  else out.data(`${status < 400 ? out.colors.green(String(status)) : out.colors.red(String(status))} ${target.href} ${out.colors.dim(`${ms} ms (${record.id})`)}`);
  if (status >= 400) throw new CliError(`the target answered ${status}`, 'check your bot’s logs; the payload and auth were sent as captured');
}

export async function runExport(id: string, flags: CommonFlags & { out: string; redact?: boolean }, deps: Deps, globals: GlobalOptions): Promise<void> {
  const out = await createOutput(deps, globals);
  const reader = await openCaptures(flags, deps);
  const [{ Redactor }, { fixtureName }] = await Promise.all([import('../core/redact.js'), import('../adapters/capture-files.js')]);
  const redactor = flags.redact ? new Redactor() : undefined;
  try {
    mkdirSync(flags.out, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create ${flags.out} (${(e as NodeJS.ErrnoException).code})`, 'pick a writable --out directory');
  }
  const written: string[] = [];
  const used = new Set<string>();
  const write = (r: StoredRecord) => {
    const body = r.body !== undefined ? r.body : r.rawBody;
    // An id comes from a file that may have been shared: it names a file inside --out, never a path.
    const safe = fixtureName(r.id);
    let name = safe;
    for (let n = 2; used.has(name); n++) name = `${safe}-${n}`; // merged files may repeat an id
    used.add(name);
    const path = join(flags.out, `${name}.json`);
    writeFileSync(path, `${JSON.stringify(redactor ? redactor.redact(body) : body, null, 2)}\n`);
    written.push(path);
  };
  // Oldest first, one record at a time, so placeholders are numbered in arrival order.
  if (id === 'all') {
    for await (const r of reader.oldestFirst()) if (r.verdict === 'accepted' && (r.body !== undefined || r.rawBody !== undefined)) write(r);
    reportSkipped(reader, out);
  } else {
    const r = await findRecord(reader, id, out, { replayable: true });
    if (r.body === undefined && r.rawBody === undefined) throw new CliError(`capture ${r.id} has no body (it was rejected with ${r.status})`, 'pick an accepted capture from cometbot captures list');
    write(r);
  }
  if (written.length === 0) throw new CliError('no payloads to export', 'run cometbot listen and send your bot a message');
  if (globals.json) out.jsonLine({ files: written, redacted: Boolean(redactor) });
  else {
    for (const p of written) out.data(p);
    out.success(`exported ${written.length} fixture(s)${redactor ? ' (redacted)' : ''} to ${flags.out}`);
  }
}

export async function runInspect(flags: CommonFlags & { inspectPort: string }, deps: Deps, globals: GlobalOptions): Promise<void> {
  const port = parsePort(flags.inspectPort, '--inspect-port');
  const out = await createOutput(deps, globals);
  const { listCaptureFiles } = await import('../adapters/capture-files.js');
  const files = flags.file?.length ? flags.file : listCaptureFiles(capturesDir(deps.env));
  const [{ startInspector }, { untilStopped }] = await Promise.all([import('../inspector/server.js'), import('./until-stopped.js')]);
  // Subscribed before the server starts: a Ctrl-C at any point after this stops it cleanly.
  const signals = untilStopped(deps.signals);
  try {
    const inspector = await startInspector({ port, captureFiles: files, warn: (line) => out.warn(line) });
    if (globals.json) out.jsonLine({ event: 'ready', inspectUrl: inspector.url });
    else out.info(`inspector: ${inspector.url}  (read-only; Ctrl-C to stop)`);
    await signals.stopped;
    await inspector.close();
  } finally {
    signals.dispose();
  }
}

async function checkDrift(file: string, now: Record<string, unknown>, out: Output, globals: GlobalOptions): Promise<void> {
  const { readFileSync } = await import('node:fs');
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the schema ${file} (${code ?? (e as Error).message})`, 'save one first: cometbot captures schema > payload.schema.json');
  }
  const { schemaDrift } = await import('../core/drift.js');
  const lines = schemaDrift(saved, now);
  if (globals.json) out.jsonLine({ drift: lines.length > 0, differences: lines });
  else if (lines.length === 0) out.data('no drift');
  else for (const line of lines) out.data(safeLine(line));
  if (lines.length > 0) throw new ReportedFailure(EXIT.failure);
}

/** captures to-test: each captured callback as a user step, followed by bot: any. */
export async function runToTest(ids: string[], flags: CommonFlags & { out: string; run?: string; force?: boolean }, deps: Deps, globals: GlobalOptions): Promise<void> {
  // `cometbot test` finds only *.convo.yaml/.yml/.json files, and an existing file is never replaced unasked.
  if (!/\.convo\.(ya?ml|json)$/.test(flags.out)) throw new UsageError(`--out ${flags.out} is not a conversation file name`, `name it *.convo.yaml (e.g. --out ${flags.out.replace(/(\.[^./]*)?$/, '.convo.yaml')}) so cometbot test finds it`);
  if (!flags.force && existsSync(flags.out)) throw new UsageError(`${flags.out} already exists`, 'pass --force to replace it, or another --out');
  const out = await createOutput(deps, globals);
  const reader = await openCaptures(flags, deps);
  // `last` is the newest accepted record with a body, as for replay and export.
  const last = ids.includes('last') ? reader.lastReplayable()?.id : undefined;
  const wanted = ids.length === 0 || (ids.length === 1 && ids[0] === 'all') ? undefined : new Set(ids.map((id) => (id === 'last' ? (last ?? id) : id)));
  const { capturesToConvo } = await import('../core/convo/from-captures.js');
  const bodies: unknown[] = [];
  for await (const r of reader.oldestFirst()) {
    if (r.verdict !== 'accepted' || r.duplicate || r.body === undefined) continue;
    if (flags.run && !r.id.startsWith(`${flags.run}-`)) continue;
    if (wanted && !wanted.has(r.id)) continue;
    bodies.push(r.body);
  }
  reportSkipped(reader, out);
  const { convo, used, skipped } = capturesToConvo(bodies);
  if (used === 0) throw new CliError('no captured user messages to turn into steps', 'pick accepted captures with cometbot captures list');
  const { stringify } = await import('yaml');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `# From captured callbacks (cometbot captures to-test). Each step is what CometChat sent; the bot steps\n# accept any reply: make them precise (text, contains, matches…) as you learn what the bot should say.\n${stringify(convo)}`);
  if (globals.json) out.jsonLine({ file: flags.out, steps: used, skipped });
  else out.success(`${used} user step(s) written to ${flags.out}${skipped ? ` (${skipped} capture(s) skipped: edits, deletes or payloads with no message)` : ''}; run it: cometbot test ${flags.out} -- <your bot's command>`);
}

/** captures stats: what the traffic held, CometChat's retries, and coverage by the conversation files here. */
export async function runStats(flags: CommonFlags, deps: Deps, globals: GlobalOptions): Promise<void> {
  const out = await createOutput(deps, globals);
  const reader = await openCaptures(flags, deps);
  const { StatsCounter, kindsTested } = await import('../core/capture-stats.js');
  const counter = new StatsCounter();
  for await (const r of reader.oldestFirst()) counter.add(r);
  reportSkipped(reader, out);
  const stats = counter.result();
  // Coverage: the kinds captured that no *.convo.yaml under the current folder sends.
  let tested: Set<string> | undefined;
  try {
    const { discoverConvoFiles, loadConvoFiles } = await import('../testing/files.js');
    const cwd = deps.cwd();
    tested = kindsTested(loadConvoFiles(discoverConvoFiles([], cwd), cwd, () => undefined));
  } catch {
    tested = undefined; // no conversation files here (or none that parse): coverage is not reported
  }
  const uncovered = tested ? Object.keys(stats.byKind).filter((k) => !tested!.has(k)).sort() : undefined;
  if (globals.json) return out.jsonLine({ ...stats, ...(uncovered ? { notTested: uncovered } : {}) });
  const table = (title: string, map: Record<string, number>) => {
    const rows = Object.entries(map).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (rows.length) out.data(`${out.colors.bold(title)}  ${rows.map(([k, n]) => `${safeLine(k)} ${n}`).join(' · ')}`);
  };
  out.data(`${stats.records} request(s): ${stats.accepted} accepted, ${stats.rejected} rejected; ${stats.threads} in threads, ${stats.mentions} with mentions`);
  table('trigger', stats.byTrigger);
  table('kind', stats.byKind);
  table('category/type', stats.byType);
  table('receiverType', stats.byReceiverType);
  if (stats.redeliveries.length) {
    out.data(out.colors.bold(`redelivered (${stats.redeliveries.length})`));
    for (const r of stats.redeliveries.slice(0, 50)) out.data(`  data.id ${safeLine(r.id)}: ${r.deliveries} deliveries, ${r.delaysMs.map((d) => `+${(d / 1000).toFixed(1)} s`).join(', ')}`);
  } else out.data(out.colors.dim('no callback was delivered more than once'));
  if (uncovered === undefined) out.data(out.colors.dim('no conversation files here: coverage not checked (run this where your *.convo.yaml live)'));
  else if (uncovered.length) out.data(`${out.colors.yellow('not sent by any test here:')} ${uncovered.join(', ')}  ${out.colors.dim('(cometbot captures to-test makes a start)')}`);
  else out.data(out.colors.green('every kind captured is sent by a test here'));
}

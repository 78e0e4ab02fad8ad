// Reads a conversation file (YAML, or the same structure in JSON) into the model, checking every key
// and value against what schema/convo.schema.json describes. Every problem is one line that names
// file:line:column; all of a file's problems are reported at once, before anything runs.
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { hasReference, namedGroups, referencedVariables } from './variables.js';
import { GROUP_CHAT_SETTINGS } from '../group-chat-setting.js';
import { parseDuration } from '../duration.js';
import { isValidUid } from '../validate.js';
import {
  DEFAULTS,
  SEED_GROUP,
  SEED_USERS,
  type BotExpect,
  type ConvoApp,
  type ConvoCase,
  type ConvoFile,
  type ConvoGroup,
  type GroupChatSetting,
  type JsonExpectation,
  type Pos,
  type Step,
  type BotStep,
  type UserStep,
} from './model.js';

export interface ConvoIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatIssue(issue: ConvoIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

export type ParseResult = { ok: true; file: ConvoFile } | { ok: false; issues: ConvoIssue[] };

const FILE_KEYS = ['name', 'bot', 'app', 'groupChatSetting', 'as', 'within', 'ackWithin', 'allowExtraReplies', 'users', 'groups', 'fragments', 'tests'];
const CASE_KEYS = ['name', 'steps', 'as', 'within', 'ackWithin', 'allowExtraReplies', 'skip', 'each'];
const USER_KEYS = ['text', 'as', 'group', 'mention', 'thread', 'custom', 'metadata', 'attachment'];
const BOT_KEYS = ['any', 'text', 'contains', 'matches', 'type', 'category', 'to', 'receiver', 'thread', 'json', 'within', 'eventually', 'save', 'check'];
const FAULT_KEYS = ['status', 'code', 'retryAfter', 'times'];
const STEP_KINDS = ['user', 'bot', 'redeliver', 'fault', 'wait', 'include'];
const GROUP_SETTINGS: readonly GroupChatSetting[] = GROUP_CHAT_SETTINGS;

type Entries = Map<string, { key: Node; value: Node | null }>;

class Reader {
  readonly issues: ConvoIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  pos(node: Node | null | undefined): Pos {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  fail(node: Node | null | undefined, message: string): undefined {
    this.issues.push({ file: this.file, ...this.pos(node), message });
    return undefined;
  }

  /** The keys of a map, each unknown key reported (with the nearest known one). */
  map(node: Node | null | undefined, allowed: string[], what: string): Entries | undefined {
    if (!isMap(node)) return this.fail(node, `${what} must be a map of keys (${allowed.slice(0, 4).join(', ')}, …)`);
    const entries: Entries = new Map();
    for (const pair of (node as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) {
        this.fail(pair.key, `${what}: keys must be plain names`);
        continue;
      }
      if (!allowed.includes(key)) {
        const near = nearest(key, allowed);
        this.fail(pair.key, `unknown key "${key}" in ${what}${near ? ` (did you mean "${near}"?)` : ''}; allowed: ${allowed.join(', ')}`);
        continue;
      }
      entries.set(key, { key: pair.key, value: pair.value });
    }
    return entries;
  }

  string(node: Node | null | undefined, what: string): string | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).length > 0) return String(node.value);
    return this.fail(node, `${what} must be a non-empty string`);
  }

  boolean(node: Node | null | undefined, what: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return this.fail(node, `${what} must be true or false`);
  }

  integer(node: Node | null | undefined, what: string, min: number, max: number): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min && node.value <= max) return node.value;
    return this.fail(node, `${what} must be a whole number from ${min} to ${max}`);
  }

  duration(node: Node | null | undefined, what: string): number | undefined {
    const ms = isScalar(node) ? parseDuration(node.value) : undefined;
    if (ms !== undefined) return ms;
    return this.fail(node, `${what}: "${isScalar(node) ? String(node.value) : 'a non-scalar value'}" is not a duration (write 250ms, 2s, 1.5s or a number of milliseconds)`);
  }

  uid(node: Node | null | undefined, what: string): string | undefined {
    const value = this.string(node, what);
    if (value === undefined) return undefined;
    if (!isValidUid(value)) return this.fail(node, `${what} "${value}" is not a valid uid (letters, digits, - and _, under 50 characters)`);
    return value.toLowerCase();
  }

  strings(node: Node | null | undefined, what: string): string[] | undefined {
    if (isSeq(node)) {
      const values = node.items.map((item) => this.string(item as Node, what));
      return values.every((v): v is string => v !== undefined) ? values : undefined;
    }
    const one = this.string(node, `${what} (a string or a list of strings)`);
    return one === undefined ? undefined : [one];
  }

  /** A JSON-like value (for metadata, custom data, json expectations). */
  plain(node: Node | null | undefined): unknown {
    return node ? (node as { toJSON(): unknown }).toJSON() : null;
  }

  object(node: Node | null | undefined, what: string): Record<string, unknown> | undefined {
    if (isMap(node)) return this.plain(node) as Record<string, unknown>;
    return this.fail(node, `${what} must be a map (a JSON object)`);
  }

  regex(node: Node | null | undefined, what: string): RegExp | undefined {
    const source = this.string(node, what);
    if (source === undefined) return undefined;
    try {
      return toRegExp(source);
    } catch (e) {
      return this.fail(node, `${what}: invalid regular expression (${(e as Error).message})`);
    }
  }
}

/** `/pattern/flags` or a bare pattern. */
export function toRegExp(source: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(source);
  return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(source);
}

/**
 * Every alias (`*name`) becomes a copy of the node it names, so each reader sees the anchored value
 * (a metadata map, a text) wherever it is used. False, with the issue noted, on an unknown anchor or
 * more aliases than a file needs.
 */
function resolveAliases(doc: Document, r: Reader): boolean {
  let count = 0;
  let copied = 0;
  let ok = true;
  visit(doc, {
    Alias(_key, alias) {
      if (++count > MAX_ALIASES) {
        ok = false;
        r.fail(alias as Node, `more than ${MAX_ALIASES} aliases: use fewer`);
        return visit.BREAK;
      }
      const target = alias.resolve(doc);
      if (!isNode(target)) {
        ok = false;
        r.fail(alias as Node, `the alias *${alias.source} names no anchor`);
        return visit.BREAK;
      }
      visit(target, () => (++copied > MAX_ALIASED_NODES ? visit.BREAK : undefined));
      if (copied > MAX_ALIASED_NODES) {
        ok = false;
        r.fail(alias as Node, `aliases copy more than ${MAX_ALIASED_NODES} values: use fewer`);
        return visit.BREAK;
      }
      return target.clone() as Node;
    },
  });
  return ok;
}

/** Run-wide defaults (--within, --ack-within) in place of the built-in ones. */
export interface ParseDefaults {
  within?: number;
  ackWithin?: number;
  /** Reads another conversation file for `include: other.convo.yaml#NAME` (relative to `from`); undefined when it cannot. */
  readInclude?: (path: string, from: string) => { path: string; text: string } | undefined;
}

/** The most a user step may send, in UTF-8 bytes: a test file is not a place for megabytes of text. */
export const MAX_USER_TEXT_BYTES = 64 * 1024;
/** Aliases a file may use, and the nodes they may copy in all: enough for shared fragments, too few for an alias bomb. */
const MAX_ALIASES = 1_000;
const MAX_ALIASED_NODES = 20_000;

export function parseConvo(text: string, path: string, defaults: ParseDefaults = {}): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new Reader(path, lines);
  if (doc.errors.length === 0 && !resolveAliases(doc, r)) return { ok: false, issues: r.issues };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = lines.linePos(e.pos[0]);
      r.issues.push({ file: path, line: at.line, column: at.col, message: `not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
    }
    return { ok: false, issues: r.issues };
  }
  const root = doc.contents as Node | null;
  const top = r.map(root, FILE_KEYS, 'the file');
  if (!top) return { ok: false, issues: r.issues };

  const get = (key: string) => top.get(key)?.value;
  const fileName = top.has('name') ? r.string(get('name'), 'name') : undefined;
  const bot = top.has('bot') ? r.uid(get('bot'), 'bot') : DEFAULTS.bot;
  const setting = top.has('groupChatSetting') ? oneOf(r, get('groupChatSetting'), 'groupChatSetting', GROUP_SETTINGS) : DEFAULTS.groupChatSetting;
  const as = top.has('as') ? r.uid(get('as'), 'as') : DEFAULTS.as;
  const within = top.has('within') ? r.duration(get('within'), 'within') : (defaults.within ?? DEFAULTS.within);
  const ackWithin = top.has('ackWithin') ? r.duration(get('ackWithin'), 'ackWithin') : (defaults.ackWithin ?? DEFAULTS.ackWithin);
  const allowExtra = top.has('allowExtraReplies') ? r.boolean(get('allowExtraReplies'), 'allowExtraReplies') : false;
  const app = top.has('app') ? readApp(r, get('app')) : undefined;
  const users = top.has('users') ? readUsers(r, get('users')) : [];
  const known = new Set<string>([...SEED_USERS, ...users.map((u) => u.uid), ...(bot ? [bot] : [])]);
  const groups = top.has('groups') ? readGroups(r, get('groups'), known) : [];
  if (as && !known.has(as)) r.fail(get('as'), unknownUser(as, known));

  const fragments = top.has('fragments') ? readFragments(r, get('fragments')) : new Map<string, Node>();
  const ctx: CaseContext = {
    r,
    path,
    fragments,
    readInclude: defaults.readInclude,
    including: [],
    bot: bot ?? DEFAULTS.bot,
    users: known,
    groups: new Map([[SEED_GROUP, { guid: SEED_GROUP, name: 'Team', members: [...SEED_USERS], bot: true }], ...groups.map((g) => [g.guid, g] as const)]),
    defaults: { as: as ?? DEFAULTS.as, within: within ?? DEFAULTS.within, ackWithin: ackWithin ?? DEFAULTS.ackWithin, allowExtraReplies: allowExtra ?? false },
  };
  const testsNode = get('tests');
  const tests: ConvoCase[] = [];
  if (!top.has('tests')) r.fail(root, 'the file has no tests: add "tests:" with at least one case (name and steps)');
  else if (!isSeq(testsNode) || testsNode.items.length === 0) r.fail(testsNode ?? top.get('tests')!.key, 'tests must be a list of cases, each with a name and steps');
  else {
    const names = new Set<string>();
    for (const item of testsNode.items) {
      for (const c of readCase(ctx, item as Node)) {
        if (names.has(c.name)) r.fail(item as Node, `two cases are named "${c.name}": give each case its own name`);
        names.add(c.name);
        tests.push(c);
      }
    }
    checkVariables(r, testsNode, fragments, tests);
  }
  if (r.issues.length > 0) return { ok: false, issues: r.issues };
  return {
    ok: true,
    file: {
      path,
      name: fileName ?? baseName(path),
      bot: ctx.bot,
      ...(top.has('bot') ? { botPos: r.pos(get('bot')) } : {}),
      ...(app ? { app, appPos: r.pos(get('app')) } : {}),
      groupChatSetting: setting ?? DEFAULTS.groupChatSetting,
      users,
      groups,
      tests,
    },
  };
}

interface CaseContext {
  r: Reader;
  path: string;
  /** The file's fragments: NAME → the list of steps, read where they are included. */
  fragments: Map<string, Node>;
  readInclude?: ParseDefaults['readInclude'];
  /** The includes being expanded ("file#NAME"), to report a cycle. */
  including: string[];
  bot: string;
  users: Set<string>;
  groups: Map<string, ConvoGroup>;
  defaults: { as: string; within: number; ackWithin: number; allowExtraReplies: boolean };
}

function readApp(r: Reader, node: Node | null | undefined): ConvoApp | undefined {
  const m = r.map(node, ['id', 'region', 'apiKey'], 'app');
  if (!m) return undefined;
  const app: ConvoApp = {};
  if (m.has('id')) app.id = r.string(m.get('id')!.value, 'app.id');
  if (m.has('region')) {
    const region = r.string(m.get('region')!.value, 'app.region');
    if (region && !['us', 'eu', 'in'].includes(region.toLowerCase())) r.fail(m.get('region')!.value, `app.region "${region}" is not a CometChat region (us, eu or in)`);
    else if (region) app.region = region.toLowerCase();
  }
  if (m.has('apiKey')) app.apiKey = r.string(m.get('apiKey')!.value, 'app.apiKey');
  return app;
}

function readUsers(r: Reader, node: Node | null | undefined): { uid: string; name: string }[] {
  if (!isSeq(node)) return r.fail(node, 'users must be a list of {uid, name}') ?? [];
  const users: { uid: string; name: string }[] = [];
  for (const item of node.items) {
    const m = r.map(item as Node, ['uid', 'name'], 'a user');
    if (!m) continue;
    const uid = m.has('uid') ? r.uid(m.get('uid')!.value, 'uid') : r.fail(item as Node, 'a user needs a uid');
    if (uid) users.push({ uid, name: m.has('name') ? (r.string(m.get('name')!.value, 'name') ?? uid) : uid });
  }
  return users;
}

function readGroups(r: Reader, node: Node | null | undefined, users: Set<string>): ConvoGroup[] {
  if (!isSeq(node)) return r.fail(node, 'groups must be a list of {guid, members}') ?? [];
  const groups: ConvoGroup[] = [];
  for (const item of node.items) {
    const m = r.map(item as Node, ['guid', 'name', 'members', 'bot'], 'a group');
    if (!m) continue;
    const guid = m.has('guid') ? r.uid(m.get('guid')!.value, 'guid') : r.fail(item as Node, 'a group needs a guid');
    const membersNode = m.get('members')?.value;
    const members = m.has('members') ? (r.strings(membersNode, 'members') ?? []).map((u) => u.toLowerCase()) : [];
    for (const uid of members) if (!users.has(uid)) r.fail(membersNode, `group ${guid}: ${unknownUser(uid, users)}`);
    const bot = m.has('bot') ? r.boolean(m.get('bot')!.value, 'bot') : true;
    if (guid) groups.push({ guid, name: m.has('name') ? (r.string(m.get('name')!.value, 'name') ?? guid) : guid, members, bot: bot ?? true });
  }
  return groups;
}

function readCase(ctx: CaseContext, node: Node): ConvoCase[] {
  const { r } = ctx;
  const m = r.map(node, CASE_KEYS, 'a test case');
  if (!m) return [];
  const name = m.has('name') ? r.string(m.get('name')!.value, 'name') : r.fail(node, 'a test case needs a name');
  const as = m.has('as') ? r.uid(m.get('as')!.value, 'as') : ctx.defaults.as;
  if (as && !ctx.users.has(as)) r.fail(m.get('as')!.value, unknownUser(as, ctx.users));
  const within = m.has('within') ? r.duration(m.get('within')!.value, 'within') : ctx.defaults.within;
  const ackWithin = m.has('ackWithin') ? r.duration(m.get('ackWithin')!.value, 'ackWithin') : ctx.defaults.ackWithin;
  const allowExtra = m.has('allowExtraReplies') ? r.boolean(m.get('allowExtraReplies')!.value, 'allowExtraReplies') : ctx.defaults.allowExtraReplies;
  let skip: string | undefined;
  if (m.has('skip')) {
    const v = m.get('skip')!.value;
    if (isScalar(v) && typeof v.value === 'boolean') skip = v.value ? 'skipped' : undefined;
    else skip = r.string(v, 'skip (true, or the reason)');
  }
  const stepsNode = m.get('steps')?.value;
  const steps: Step[] = [];
  if (!m.has('steps')) r.fail(node, `case "${name ?? '?'}" has no steps`);
  else if (!isSeq(stepsNode) || stepsNode.items.length === 0) r.fail(stepsNode ?? m.get('steps')!.key, 'steps must be a non-empty list');
  else {
    const stepCtx = { ...ctx, as: as ?? ctx.defaults.as, within: within ?? ctx.defaults.within };
    for (const item of stepsNode.items) steps.push(...readSteps(stepCtx, item as Node));
  }
  const rows = m.has('each') ? readEach(r, m.get('each')!.value) : undefined;
  if (!name) return [];
  const base: ConvoCase = { name, pos: r.pos(node), as: as ?? ctx.defaults.as, within: within ?? ctx.defaults.within, ackWithin: ackWithin ?? ctx.defaults.ackWithin, allowExtraReplies: allowExtra ?? false, ...(skip ? { skip } : {}), ...(m.has('ackWithin') ? { ackWithinSet: true } : {}), steps };
  if (!rows) return [base];
  // One case per row, named with its values in every report.
  return rows.map((row) => ({ ...base, name: `${name} [${Object.entries(row).map(([k, v]) => `${k}=${v}`).join(', ')}]`, vars: row }));
}

/** `each:` — a list of maps (one row each), or a map of lists (the product of the lists). */
function readEach(r: Reader, node: Node | null | undefined): Record<string, string>[] | undefined {
  const scalar = (n: unknown, what: string): string | undefined => (isScalar(n) && n.value !== null && typeof n.value !== 'object' ? String(n.value) : r.fail(n as Node, `${what} must be a text or a number`));
  if (isSeq(node) && node.items.length > 0) {
    const rows: Record<string, string>[] = [];
    for (const item of node.items) {
      if (!isMap(item)) {
        r.fail(item as Node, 'each row must be a map of variables, e.g. { city: Paris }');
        continue;
      }
      const row: Record<string, string> = {};
      for (const pair of (item as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) r.fail(pair.key, `"${key}" is not a variable name (letters, digits, _)`);
        const value = scalar(pair.value, `each: ${key}`);
        if (value !== undefined) row[key] = value;
      }
      rows.push(row);
    }
    return rows;
  }
  if (isMap(node) && node.items.length > 0) {
    let rows: Record<string, string>[] = [{}];
    for (const pair of (node as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) r.fail(pair.key, `"${key}" is not a variable name (letters, digits, _)`);
      if (!isSeq(pair.value) || pair.value.items.length === 0) {
        r.fail(pair.value ?? pair.key, `each: ${key} must be a non-empty list of values`);
        continue;
      }
      const values = (pair.value.items as Node[]).map((v) => scalar(v, `each: ${key}`)).filter((v): v is string => v !== undefined);
      rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
    }
    if (rows.length > 1_000) return r.fail(node, `each makes ${rows.length} cases: at most 1000`);
    return rows;
  }
  return r.fail(node, 'each takes a list of maps ([{city: Paris}, {city: Oslo}]) or a map of lists ({greeting: [hi, hello]})');
}

/** `fragments: {NAME: [steps]}`: kept as written, read where they are included (with the case's defaults). */
function readFragments(r: Reader, node: Node | null | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (!isMap(node)) {
    r.fail(node, 'fragments must be a map from a name to a list of steps');
    return out;
  }
  for (const pair of (node as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!key) r.fail(pair.key, 'a fragment needs a name');
    else if (!isSeq(pair.value) || pair.value.items.length === 0) r.fail(pair.value ?? pair.key, `fragment ${key} must be a non-empty list of steps`);
    else out.set(key, pair.value);
  }
  return out;
}

/** A step, or the steps an `include:` brings in. */
function readSteps(ctx: StepContext, node: Node): Step[] {
  const { r } = ctx;
  const entry = isMap(node) && node.items.length === 1 ? ((node as YAMLMap<Node, Node | null>).items[0] as Pair<Node, Node | null>) : undefined;
  if (!entry || !isScalar(entry.key) || entry.key.value !== 'include') {
    const step = readStep(ctx, node);
    return step ? [step] : [];
  }
  const ref = r.string(entry.value, 'include');
  if (!ref) return [];
  const hash = ref.lastIndexOf('#');
  const [file, name] = hash >= 0 ? [ref.slice(0, hash), ref.slice(hash + 1)] : ['', ref];
  let fragments = ctx.fragments;
  let reader = r;
  let from = ctx.path;
  if (file) {
    const loaded = ctx.readInclude?.(file, ctx.path);
    if (!loaded) return r.fail(entry.value, `include: cannot read ${file} (a path relative to this file)`) ?? [];
    const lines = new LineCounter();
    const doc = parseDocument(loaded.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    reader = new Reader(loaded.path, lines);
    if (doc.errors.length > 0 || !resolveAliases(doc, reader)) return r.fail(entry.value, `include: ${file} is not valid YAML`) ?? [];
    const top = isMap(doc.contents) ? (doc.contents as YAMLMap<Node, Node | null>) : undefined;
    const fragmentsNode = top?.get('fragments', true) as Node | undefined;
    fragments = fragmentsNode ? readFragments(reader, fragmentsNode) : new Map();
    from = loaded.path;
  }
  const key = `${from}#${name}`;
  const steps = fragments.get(name);
  if (!steps) return r.fail(entry.value, `include: no fragment "${name}"${file ? ` in ${file}` : ''} (fragments: ${[...fragments.keys()].join(', ') || 'none'})`) ?? [];
  if (ctx.including.includes(key)) return r.fail(entry.value, `include: ${ref} includes itself (${[...ctx.including, key].map((k) => k.split('#')[1]).join(' → ')})`) ?? [];
  const inner: StepContext = { ...ctx, r: reader, path: from, fragments, including: [...ctx.including, key] };
  const out = (steps as unknown as { items: Node[] }).items.flatMap((item) => readSteps(inner, item));
  if (reader !== r) r.issues.push(...reader.issues);
  return out;
}

/**
 * Every `${NAME}` used in the file must be set somewhere in it (a named group in `matches`, a `save`,
 * a row of `each`): one that never is, is a problem before anything runs.
 */
function checkVariables(r: Reader, testsNode: Node, fragments: Map<string, Node>, tests: ConvoCase[]): void {
  const set = new Set<string>();
  for (const c of tests) {
    for (const k of Object.keys(c.vars ?? {})) set.add(k);
    for (const s of c.steps) {
      if (s.kind !== 'bot') continue;
      for (const k of Object.keys(s.save ?? {})) set.add(k);
      for (const k of namedGroups(s.expect.matches?.source ?? s.expect.matchesTemplate?.source ?? '')) set.add(k);
    }
  }
  const seen = new Set<string>();
  for (const root of [testsNode, ...fragments.values()]) {
    visit(root, {
      Scalar(_key, node) {
        if (typeof node.value !== 'string') return;
        for (const name of referencedVariables(node.value)) {
          if (set.has(name) || seen.has(`${name}@${node.range?.[0]}`)) continue;
          seen.add(`${name}@${node.range?.[0]}`);
          r.fail(node as Node, `\${${name}} is never set in this file: set it with a named group in matches ((?<${name}>…)), save: { ${name}: data.text }, or each (write $\${ for a literal \${)`);
        }
      },
    });
  }
}

type StepContext = CaseContext & { as: string; within: number };

function readStep(ctx: StepContext, node: Node): Step | undefined {
  const { r } = ctx;
  if (!isMap(node) || node.items.length !== 1) {
    return r.fail(node, `a step is one of ${STEP_KINDS.map((k) => `"${k}:"`).join(', ')} (e.g. - user: hello, - bot: { contains: hi })`);
  }
  const entries = r.map(node, STEP_KINDS, 'a step');
  if (!entries || entries.size === 0) return undefined;
  const [kind, { value }] = [...entries][0]!;
  const pos = r.pos(node);
  switch (kind) {
    case 'user':
      return readUser(ctx, value, pos);
    case 'bot':
      return readBot(ctx, value, pos);
    case 'redeliver': {
      if (!(isScalar(value) && value.value === 'last')) return r.fail(value, 'redeliver takes "last" (the last callback, sent again with the same data.id)');
      return { kind: 'redeliver', pos };
    }
    case 'fault': {
      const m = r.map(value, FAULT_KEYS, 'a fault');
      if (!m) return undefined;
      const status = m.has('status') ? r.integer(m.get('status')!.value, 'fault status', 400, 599) : r.fail(value, 'a fault needs a status (e.g. 429)');
      const code = m.has('code') ? r.string(m.get('code')!.value, 'fault code') : defaultFaultCode(status);
      const retryAfter = m.has('retryAfter') ? r.integer(m.get('retryAfter')!.value, 'retryAfter', 0, 3600) : undefined;
      const times = m.has('times') ? r.integer(m.get('times')!.value, 'times', 1, 1000) : 1;
      if (status === undefined || code === undefined || times === undefined) return undefined;
      return { kind: 'fault', pos, status, code, ...(retryAfter !== undefined ? { retryAfter } : {}), times };
    }
    default: {
      const ms = r.duration(value, 'wait');
      return ms === undefined ? undefined : { kind: 'wait', pos, ms };
    }
  }
}

function defaultFaultCode(status: number | undefined): string {
  if (status === 429) return 'ERR_TOO_MANY_REQUESTS';
  if (status !== undefined && status >= 500) return 'ERR_INTERNAL_SERVER';
  return 'ERR_BAD_REQUEST';
}

function readUser(ctx: StepContext, value: Node | null, pos: Pos): UserStep | undefined {
  const { r } = ctx;
  if (isScalar(value)) {
    const text = r.string(value, 'user');
    if (text !== undefined && Buffer.byteLength(text) > MAX_USER_TEXT_BYTES) return r.fail(value, `the text is ${Math.ceil(Buffer.byteLength(text) / 1024)} KiB: a user step sends at most ${MAX_USER_TEXT_BYTES / 1024} KiB`);
    return text === undefined ? undefined : { kind: 'user', pos, as: ctx.as, text, mention: [] };
  }
  const m = r.map(value, USER_KEYS, 'a user step');
  if (!m) return undefined;
  const node = (k: string) => m.get(k)?.value;
  const step: UserStep = { kind: 'user', pos, as: ctx.as, mention: [] };
  if (m.has('as')) {
    const as = r.uid(node('as'), 'as');
    if (as && !ctx.users.has(as)) r.fail(node('as'), unknownUser(as, ctx.users));
    if (as) step.as = as;
  }
  if (m.has('text')) step.text = r.string(node('text'), 'text');
  if (step.text !== undefined && Buffer.byteLength(step.text) > MAX_USER_TEXT_BYTES) {
    r.fail(node('text'), `the text is ${Math.ceil(Buffer.byteLength(step.text) / 1024)} KiB: a user step sends at most ${MAX_USER_TEXT_BYTES / 1024} KiB`);
    step.text = undefined;
  }
  if (m.has('group')) {
    const guid = r.uid(node('group'), 'group');
    const group = guid ? ctx.groups.get(guid) : undefined;
    if (guid && !group) r.fail(node('group'), `unknown group "${guid}": declare it under groups: (known: ${[...ctx.groups.keys()].join(', ')})`);
    else if (group && !group.members.includes(step.as)) r.fail(node('group'), `${step.as} is not a member of group ${guid} (members: ${group.members.join(', ') || 'none'}); CometChat refuses such a message`);
    if (guid) step.group = guid;
  }
  if (m.has('mention')) {
    for (const uid of r.strings(node('mention'), 'mention') ?? []) {
      const lower = uid.toLowerCase();
      if (!ctx.users.has(lower)) r.fail(node('mention'), `mention: ${unknownUser(lower, ctx.users)}`);
      step.mention.push(lower);
    }
  }
  if (m.has('thread')) {
    if (isScalar(node('thread')) && (node('thread') as { value: unknown }).value === 'last') step.thread = 'last';
    else r.fail(node('thread'), 'thread takes "last" (a thread reply to the bot\'s last message)');
  }
  if (m.has('custom')) {
    const c = r.map(node('custom')!, ['type', 'data'], 'custom');
    const type = c?.has('type') ? r.string(c.get('type')!.value, 'custom.type') : r.fail(node('custom'), 'custom needs a type');
    const data = c?.has('data') ? r.object(c.get('data')!.value, 'custom.data') : {};
    if (type && data) step.custom = { type, data };
  }
  if (m.has('metadata')) step.metadata = r.object(node('metadata'), 'metadata');
  if (m.has('attachment')) {
    const a = r.map(node('attachment')!, ['url', 'name', 'mimeType'], 'attachment');
    const url = a?.has('url') ? r.string(a.get('url')!.value, 'attachment.url') : r.fail(node('attachment'), 'an attachment needs a url');
    const mimeType = a?.has('mimeType') ? r.string(a.get('mimeType')!.value, 'attachment.mimeType') : 'application/octet-stream';
    if (url && mimeType) step.attachment = { url, mimeType, name: a?.has('name') ? (r.string(a.get('name')!.value, 'attachment.name') ?? url) : (url.split('/').pop() || 'file') };
  }
  if (step.custom && (step.attachment || step.text !== undefined)) r.fail(node('custom'), 'a custom message has no text or attachment: use one of text, custom, attachment');
  else if (step.text === undefined && !step.custom && !step.attachment) r.fail(value, 'a user step needs text (or custom, or attachment)');
  return step;
}

function readBot(ctx: StepContext, value: Node | null, pos: Pos): Step | undefined {
  const { r } = ctx;
  if (isScalar(value)) {
    if (value.value === 'any') return { kind: 'bot', pos, expect: {}, any: true, within: ctx.within };
    if (value.value === 'none') return { kind: 'none', pos, within: ctx.within };
    return r.fail(value, `bot takes "any", "none" or a map of checks (${BOT_KEYS.slice(1, 7).join(', ')}, …); for an exact text write bot: { text: ${JSON.stringify(String(value.value))} }`);
  }
  const before = r.issues.length;
  const m = r.map(value, [...BOT_KEYS, 'none'], 'a bot step');
  if (!m) return undefined;
  // An unknown key (a typo of a check) is one problem, not also "no check".
  const typo = r.issues.length > before;
  const node = (k: string) => m.get(k)?.value;
  const within = m.has('within') ? r.duration(node('within'), 'within') : ctx.within;
  if (m.has('none')) {
    if (r.boolean(node('none'), 'none') !== true) return undefined;
    const others = [...m.keys()].filter((k) => k !== 'none' && k !== 'within');
    if (others.length) return r.fail(m.get(others[0]!)!.key, 'bot: { none: true } takes only within');
    return within === undefined ? undefined : { kind: 'none', pos, within };
  }
  const expect: BotExpect = {};
  const any = m.has('any') ? r.boolean(node('any'), 'any') === true : false;
  if (m.has('text')) expect.text = r.string(node('text'), 'text');
  if (m.has('contains')) expect.contains = r.strings(node('contains'), 'contains');
  if (m.has('matches')) {
    const source = r.string(node('matches'), 'matches');
    if (source !== undefined && hasReference(source)) {
      // Compiled when the step runs, with the variables' values escaped.
      const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(source);
      expect.matchesTemplate = literal ? { source: literal[1]!, flags: literal[2]! } : { source, flags: '' };
    } else expect.matches = r.regex(node('matches'), 'matches');
  }
  if (m.has('type')) expect.type = r.string(node('type'), 'type');
  if (m.has('category')) expect.category = r.string(node('category'), 'category');
  if (m.has('to')) expect.to = oneOf(r, node('to'), 'to', ['user', 'group'] as const);
  if (m.has('receiver')) expect.receiver = r.uid(node('receiver'), 'receiver');
  if (m.has('thread')) expect.thread = r.boolean(node('thread'), 'thread');
  if (m.has('json')) expect.json = readJsonExpectations(r, node('json'));
  const eventually = m.has('eventually') ? r.boolean(node('eventually'), 'eventually') === true : false;
  let save: Record<string, string> | undefined;
  if (m.has('save')) {
    save = readSave(r, node('save'));
  }
  let check: BotStep['check'];
  if (m.has('check')) {
    const ref = r.string(node('check'), 'check');
    const hash = ref?.lastIndexOf('#') ?? -1;
    const module = ref && hash >= 0 ? ref.slice(0, hash) : ref;
    if (module && !/\.(m|c)?js$/.test(module)) r.fail(node('check'), `check: ${module} is not a JavaScript module (.js, .mjs or .cjs), e.g. ./checks.mjs#isPolite`);
    else if (module) check = { module, name: hash >= 0 ? ref!.slice(hash + 1) : 'default', file: ctx.path };
  }
  const checks = Object.keys(expect).length + (check ? 1 : 0) + (save ? 1 : 0);
  if (!any && checks === 0 && typo) return undefined;
  if (!any && checks === 0) return r.fail(value, `a bot step needs at least one check (${BOT_KEYS.slice(1, 10).join(', ')}) or any: true`);
  if (within === undefined) return undefined;
  return { kind: 'bot', pos, expect, any: any && checks === 0, within, ...(eventually ? { eventually } : {}), ...(save ? { save } : {}), ...(check ? { check } : {}) };
}

/** `save: {NAME: dot.path}`: variables from the matched message. */
function readSave(r: Reader, node: Node | null | undefined): Record<string, string> | undefined {
  if (!isMap(node)) return r.fail(node, 'save must be a map from a variable name to a dot path in the bot\'s message, e.g. { ticket: data.metadata.ticket }');
  const out: Record<string, string> = {};
  for (const pair of (node as YAMLMap<Node, Node | null>).items as Pair<Node, Node | null>[]) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      r.fail(pair.key, `"${name}" is not a variable name (letters, digits, _)`);
      continue;
    }
    const path = r.string(pair.value, `save: ${name}`);
    if (path && !/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(path)) r.fail(pair.value, `save: "${path}" is not a dot path (e.g. data.text)`);
    else if (path) out[name] = path;
  }
  return out;
}

function readJsonExpectations(r: Reader, node: Node | null | undefined): JsonExpectation[] | undefined {
  if (!isMap(node)) return r.fail(node, 'json must be a map from a dot path (e.g. data.customData.answer) to a value or /regex/');
  const out: JsonExpectation[] = [];
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    const path = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (!path || !/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(path)) {
      r.fail(pair.key, `json: "${path ?? '?'}" is not a dot path (e.g. data.metadata.ticket)`);
      continue;
    }
    const value = r.plain(pair.value);
    if (typeof value === 'string' && /^\/.*\/[dgimsuvy]*$/s.test(value)) {
      const regex = r.regex(pair.value, `json ${path}`);
      if (regex) out.push({ path, regex });
    } else out.push({ path, equals: value });
  }
  return out;
}

function oneOf<T extends string>(r: Reader, node: Node | null | undefined, what: string, allowed: readonly T[]): T | undefined {
  const value = r.string(node, what);
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  return r.fail(node, `${what} "${value}" is not one of ${allowed.join(', ')}`);
}

function unknownUser(uid: string, known: Set<string>): string {
  return `unknown user "${uid}": add it under users: (known: ${[...known].join(', ')})`;
}

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.convo\.(ya?ml|json)$/, '');
}

/** The closest allowed word within two edits, for "did you mean". */
export function nearest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

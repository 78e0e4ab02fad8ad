// Finds conversation files and reads them; every problem in every file is reported before anything runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { formatIssue, parseConvo, type ConvoIssue, type ParseDefaults } from '../core/convo/parse.js';
import type { ConvoFile } from '../core/convo/model.js';
import { UsageError } from '../errors.js';

const CONVO_FILE = /\.convo\.(ya?ml|json)$/;

/** Files named *.convo.yaml|yml|json under the paths (folders searched, node_modules and dot-folders skipped). */
export function discoverConvoFiles(paths: string[], cwd: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    // Code-point order: the same on every machine, whatever its locale (--shard depends on it).
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && CONVO_FILE.test(entry.name)) found.push(full);
    }
  };
  for (const p of paths.length ? paths : ['.']) {
    const full = isAbsolute(p) ? p : join(cwd, p);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`, 'pass conversation files (*.convo.yaml) or folders that hold them');
    }
    if (stat.isDirectory()) walk(full);
    else if (CONVO_FILE.test(full)) found.push(full);
    else throw new UsageError(`${p} is not a conversation file`, 'conversation files are named *.convo.yaml, *.convo.yml or *.convo.json');
  }
  const unique = [...new Set(found)];
  if (unique.length === 0) {
    throw new UsageError(`no conversation files found in ${paths.length ? paths.join(', ') : 'the current folder'}`, 'create one, e.g. hello.convo.yaml (see cometbot test --help), or pass its path');
  }
  return unique.map((f) => displayPath(f, cwd));
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Parses every file; throws one UsageError after printing one line per problem. */
export function loadConvoFiles(files: string[], cwd: string, report: (line: string) => void, defaults: ParseDefaults = {}): ConvoFile[] {
  const parsed: ConvoFile[] = [];
  const issues: ConvoIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(isAbsolute(file) ? file : join(cwd, file), 'utf8');
    } catch (e) {
      issues.push({ file, line: 1, column: 1, message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    // include: other.convo.yaml#NAME reads a file relative to the one that includes it.
    const readInclude = (path: string, from: string) => {
      const full = isAbsolute(path) ? path : join(isAbsolute(from) ? dirname(from) : join(cwd, dirname(from)), path);
      try {
        return { path: displayPath(full, cwd), text: readFileSync(full, 'utf8') };
      } catch {
        return undefined;
      }
    };
    const result = parseConvo(text, file, { ...defaults, readInclude });
    if (result.ok) parsed.push(result.file);
    else issues.push(...result.issues);
  }
  // A run has one bot and one app: files that disagree cannot share an emulator.
  const bots = new Set(parsed.map((f) => f.bot));
  if (bots.size > 1) {
    const first = parsed[0]!;
    for (const f of parsed.slice(1)) {
      if (f.bot !== first.bot) {
        const at = f.botPos ?? { line: 1, column: 1 };
        issues.push({ file: f.path, ...at, message: `bot "${f.bot}" differs from "${first.bot}" in ${first.path}: one run tests one bot (run these files separately)` });
      }
    }
  }
  const apps = parsed.filter((f) => f.app);
  for (const f of apps.slice(1)) {
    const a = apps[0]!.app!;
    const b = f.app!;
    if (a.id !== b.id || a.region !== b.region || a.apiKey !== b.apiKey) issues.push({ file: f.path, ...(f.appPos ?? { line: 1, column: 1 }), message: `app differs from the one in ${apps[0]!.path}: one run has one emulated app (run these files separately)` });
  }
  if (issues.length > 0) {
    for (const issue of issues) report(formatIssue(issue));
    throw new UsageError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the conversation files; nothing was run`, 'fix the lines above (file:line:column); schema/convo.schema.json in the package lets your editor check them as you type');
  }
  return parsed;
}

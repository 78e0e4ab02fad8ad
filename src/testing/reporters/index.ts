// The reporters a run writes: the registry of formats, the factory, and where each report goes
// (stdout, or a file written whole at the end, atomically). The command parses `--reporter`; this
// opens them before the run, so a path that cannot be written fails at once, not after the verdict.
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Colors } from '../../adapters/colors.js';
import type { Reporter } from './reporter.js';
import { UsageError } from '../../errors.js';

export type ReporterName = 'pretty' | 'junit' | 'tap' | 'json';
export const REPORTER_NAMES: readonly ReporterName[] = ['pretty', 'junit', 'tap', 'json'];

export interface ReporterTarget {
  name: ReporterName;
  file?: string;
}

/** A report file that cannot be used: `usage` ones are the user's choice (exit 2), the rest the machine's (exit 1). */
export class ReportFileError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly usage: boolean,
  ) {
    super(message);
  }
}

export interface OpenReporters {
  reporters: Reporter[];
  /** Writes the file reports (each to a temp file, then renamed over the target). */
  flush(): void;
}

export async function openReporters(targets: ReporterTarget[], o: { stdout: (s: string) => void; colors?: Colors; verbose: boolean; inputs: string[]; now?: () => Date }): Promise<OpenReporters> {
  const reporters: Reporter[] = [];
  const files: { file: string; chunks: string[] }[] = [];
  const inputs = new Set(o.inputs.map((p) => resolve(p)));
  for (const t of targets) {
    const chunks: string[] = [];
    if (t.file) {
      checkReportFile(t.file, inputs);
      files.push({ file: t.file, chunks });
    }
    const write = t.file ? (s: string) => void chunks.push(s) : o.stdout;
    reporters.push(await createReporter(t.name, write, t.file ? undefined : o.colors, o.verbose, o.now));
  }
  return {
    reporters,
    flush() {
      for (const f of files) {
        const temp = `${f.file}.${process.pid}.tmp`;
        try {
          writeFileSync(temp, f.chunks.join(''));
          renameSync(temp, f.file);
        } catch (e) {
          throw new ReportFileError(`cannot write the report ${f.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass a path in a folder you can write to', false);
        }
      }
    },
  };
}

/**
 * Before the run: never a conversation file (or another input); its folder made if missing (one level
 * at a time: a recursive mkdir under /proc loops forever on Node 20); the folder and file writable.
 */
function checkReportFile(file: string, inputs: Set<string>): void {
  const full = resolve(file);
  if (inputs.has(full) || /\.convo\.(ya?ml|json)$/i.test(full)) throw new ReportFileError(`--reporter would write over the conversation file ${file}`, 'write reports elsewhere, e.g. --reporter junit=reports/junit.xml', true);
  if (existsSync(full) && statSync(full).isDirectory()) throw new ReportFileError(`the report path ${file} is a folder`, 'name a file, e.g. --reporter junit=reports/junit.xml', true);
  try {
    makeParents(dirname(full));
    accessSync(dirname(full), constants.W_OK);
    if (existsSync(full)) accessSync(full, constants.W_OK);
  } catch (e) {
    throw new ReportFileError(`cannot write the report ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass a path in a folder you can write to', false);
  }
}

function makeParents(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) mkdirSync(d);
}

/** `--reporter NAME[=FILE]`, repeatable: at most one to stdout; when all go to files, pretty still goes to stdout. */
export function parseReporters(values: string[]): ReporterTarget[] {
  const targets = (values.length ? values : ['pretty']).map((value) => {
    const at = value.indexOf('=');
    const name = (at < 0 ? value : value.slice(0, at)).trim();
    const file = at < 0 ? undefined : value.slice(at + 1).trim();
    if (!['pretty', 'junit', 'tap', 'json'].includes(name)) throw new UsageError(`unknown reporter "${name}"`, 'use pretty, junit, tap or json, e.g. --reporter junit=report.xml');
    if (file === '') throw new UsageError(`--reporter ${name}= needs a file name`, `e.g. --reporter ${name}=report.${name === 'junit' ? 'xml' : name}`);
    return { name: name as ReporterName, ...(file ? { file } : {}) };
  });
  const toStdout = targets.filter((t) => !t.file).length;
  if (toStdout > 1) throw new UsageError('only one reporter can write to stdout', 'send the others to files: --reporter junit=report.xml');
  // Reports written to files (CI) still leave the readable report in the log.
  return toStdout === 0 ? [{ name: 'pretty' }, ...targets] : targets;
}

async function createReporter(name: ReporterName, write: (s: string) => void, colors: Colors | undefined, verbose: boolean, now?: () => Date): Promise<Reporter> {
  switch (name) {
    case 'junit':
      return new (await import('./junit.js')).JUnitReporter(write, now);
    case 'tap':
      return new (await import('./tap.js')).TapReporter(write);
    case 'json':
      return new (await import('./json.js')).JsonReporter(write);
    default: {
      const { PrettyReporter } = await import('./pretty.js');
      const { plainColors } = await import('../../adapters/colors.js');
      return new PrettyReporter(write, colors ?? plainColors(), verbose);
    }
  }
}

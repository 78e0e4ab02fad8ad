// Writes a planned template into a folder, and nowhere else: a non-empty folder is refused unless
// forced, and a symbolic link inside it (a file, or a folder on the way) never leads a write outside.
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CliError, UsageError } from '../errors.js';
import type { PlannedFile } from './plan.js';

export interface WriteOptions {
  dir: string;
  files: readonly PlannedFile[];
  /** Write into a folder that is not empty, replacing the template's files (and only those). */
  force: boolean;
  /** How the folder was named on the command line, for messages. */
  shownAs: string;
}

/** Refuses a target that is a file, or a folder that is not empty (unless forced): before anything is asked or written. */
export function checkTarget(dir: string, force: boolean, shownAs: string): void {
  const target = resolve(dir);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new UsageError(`${shownAs} exists and is not a folder`, 'name a new folder: cometbot new my-bot');
  if (readdirSync(target).length > 0 && !force) {
    throw new UsageError(`${shownAs} is not empty`, 'name a new or empty folder, or pass --force to write the template over it (other files are kept)');
  }
}

export function writeScaffold({ dir, files, force, shownAs }: WriteOptions): void {
  const target = resolve(dir);
  checkTarget(target, force, shownAs);
  mkdirSync(target, { recursive: true });
  const root = realpathSync(target);
  for (const file of files) {
    const path = join(root, file.path);
    if (!inside(root, path)) throw new Error(`template path ${file.path} leaves the folder`); // a bug in a template
    ensureFolder(root, dirname(path), shownAs);
    // A symbolic link where a file goes is replaced, never followed.
    if (lstatOrUndefined(path)?.isSymbolicLink()) unlinkSync(path);
    try {
      writeFileSync(path, file.content, { flag: 'w' });
    } catch (e) {
      throw new CliError(`cannot write ${join(shownAs, file.path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the folder is writable');
    }
  }
}

/** Creates the folders on the way one by one; a link among them is refused before anything is made through it. */
function ensureFolder(root: string, folder: string, shownAs: string): void {
  let current = root;
  for (const part of relative(root, folder).split(/[\\/]/).filter(Boolean)) {
    current = join(current, part);
    const stat = lstatOrUndefined(current);
    if (!stat) mkdirSync(current);
    else if (stat.isSymbolicLink()) throw new UsageError(`${relative(root, current)} in ${shownAs} is a link`, 'remove that link, or scaffold into a new folder');
    else if (!stat.isDirectory()) throw new UsageError(`${relative(root, current)} in ${shownAs} is a file where the template has a folder`, 'move it away, or scaffold into a new folder');
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

// What `cometbot new` writes: a template folder of the package (templates/<name>/ plus templates/shared/),
// with its placeholders filled in. Templates are real files, so the project's own tests lint, type-check
// and run them; a leading `dot-` in a name stands for `.` (npm leaves `.gitignore` out of a package).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { TemplateName } from './names.js';
export { TEMPLATES, type TemplateName } from './names.js';

/** A template's facts (templates/<name>/template.json): how its bot is run, what to install first. */
export interface TemplateInfo {
  description: string;
  /** The bot's one file. */
  file: string;
  /** The command that runs the bot, as `cometbot test -- …` and `cometbot dev -- …` are given it. */
  run: string;
  /** What to run in the folder before the bot can start, if anything. */
  install?: string;
  /** A line for the generated README. */
  note?: string;
}

export interface PlannedFile {
  /** Relative to the target folder, with `/` separators. */
  path: string;
  content: string;
}

/** The package's templates folder (dist/scaffold/ and src/scaffold/ are both two levels below the root). */
export function templatesRoot(): string {
  return fileURLToPath(new URL('../../templates/', import.meta.url));
}

export function templateInfo(name: TemplateName, root = templatesRoot()): TemplateInfo {
  return JSON.parse(readFileSync(join(root, name, 'template.json'), 'utf8')) as TemplateInfo;
}

/** Every file the template writes, placeholders filled; the template's own files win over shared ones. */
export function planFiles(name: TemplateName, uid: string, root = templatesRoot()): PlannedFile[] {
  const info = templateInfo(name, root);
  const values: Record<string, string> = {
    uid,
    file: info.file,
    run: info.run,
    install_note: info.note ? `\n${info.note}\n` : '',
  };
  const files = new Map<string, string>();
  for (const folder of [join(root, 'shared'), join(root, name)]) {
    for (const source of walk(folder)) {
      const path = targetPath(relative(folder, source));
      if (path === 'template.json') continue;
      files.set(path, fill(readFileSync(source, 'utf8'), values, path));
    }
  }
  return [...files].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}

/** `{{name}}` → its value; an unknown name is a bug in a template, caught by the project's tests. */
export function fill(text: string, values: Record<string, string>, where: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${where} uses an unknown placeholder {{${key}}}`);
    return value;
  });
}

/** `dot-github/workflows/x.yml` → `.github/workflows/x.yml`. */
function targetPath(relativePath: string): string {
  return relativePath
    .split(sep)
    .map((part) => (part.startsWith('dot-') ? `.${part.slice(4)}` : part))
    .join('/');
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && entry.name !== '__pycache__') yield path;
  }
}

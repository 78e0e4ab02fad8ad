// `cometbot new`: a small, correct custom bot in a new folder, with its tests and CI, in one command.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { UsageError } from '../errors.js';
import { validateUid } from '../core/validate.js';
import { readEnv } from '../env.js';
import { TEMPLATES, type TemplateName } from '../scaffold/names.js';
import { createOutput, globalOptions, type GlobalOptions } from './context.js';

const DEFAULT_UID = 'my-bot';

export interface NewFlags {
  template?: string;
  uid?: string;
  force?: boolean;
  yes?: boolean;
}

export interface NewResult {
  dir: string;
  template: string;
  uid: string;
  files: string[];
  next: string[];
}

export function registerNew(program: Command, deps: Deps): Command {
  return program
    .command('new')
    .description(SUMMARY.new)
    .argument('[dir]', 'the folder to create (default: ./UID)')
    .option('--template <name>', `the bot's language: ${TEMPLATES.join('|')} (default node; asked on a terminal)`)
    .option('--uid <uid>', `the bot's UID (default ${DEFAULT_UID})`)
    .option('--force', 'write into a folder that is not empty (the template replaces its own files, others are kept)')
    .option('-y, --yes', 'accept every default without asking')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot new                                   # ./my-bot, a Node.js bot
  $ cometbot new weather-bot --template python --uid weather-bot
  $ cometbot new bots/support --template typescript --uid support-bot

The bot is one file (standard library only) that checks Basic Auth, answers 200 at once, dedupes
redeliveries, replies in groups and threads and retries a 429, with tests/bot.convo.yaml, a GitHub
Actions workflow, README.md, .env.example and .gitignore.`,
    )
    .action(async (dir: string | undefined, raw: NewFlags, cmd: Command) => {
      await runNew(dir, raw, deps, globalOptions(cmd, deps));
    });
}

export async function runNew(dirArg: string | undefined, flags: NewFlags, deps: Deps, globals: GlobalOptions): Promise<NewResult> {
  const out = await createOutput(deps, globals);
  const { uid, lowercased } = validateUid(flags.uid ?? DEFAULT_UID);
  if (lowercased) out.info(`note: UID lower-cased to "${uid}", as CometChat does`);
  const dir = dirArg ?? uid;
  if (!dir.trim()) throw new UsageError('the folder name is empty', 'name a folder: cometbot new my-bot');
  const [{ planFiles, templateInfo }, { checkTarget, writeScaffold }, { join, relative, resolve, isAbsolute }] = await Promise.all([
    import('../scaffold/plan.js'),
    import('../scaffold/write.js'),
    import('node:path'),
  ]);
  const target = resolve(deps.cwd(), dir);
  checkTarget(target, flags.force === true, dir); // before the question: a refused folder asks nothing
  const template = await chooseTemplate(flags, deps, globals);
  const files = planFiles(template, uid);
  writeScaffold({ dir: target, files, force: flags.force === true, shownAs: dir });

  const info = templateInfo(template);
  const rel = relative(deps.cwd(), target);
  const cd = `cd ${quote(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : target)}${info.install ? ` && ${info.install}` : ''}`;
  const next = [cd, `cometbot dev -- ${info.run}`, `cometbot test -- ${info.run}`];
  const result: NewResult = { dir: target, template, uid, files: files.map((f) => f.path), next };
  if (globals.json) {
    out.jsonLine(result);
    return result;
  }
  out.success(`created ${uid} in ${join(dir)}: ${info.description}`);
  for (const f of result.files) out.data(out.colors.dim(`  ${f}`));
  out.data('');
  out.data('Next:');
  out.data(`  ${next[0]}`);
  out.data(`  ${next[1]}    ${out.colors.dim('# chat with it; it restarts when you save')}`);
  out.data(`  ${next[2]}   ${out.colors.dim('# run tests/bot.convo.yaml against it, offline')}`);
  return result;
}

async function chooseTemplate(flags: NewFlags, deps: Deps, globals: GlobalOptions): Promise<TemplateName> {
  if (flags.template !== undefined) {
    const name = flags.template.trim().toLowerCase();
    const found = TEMPLATES.find((t) => t === name || (t === 'typescript' && name === 'ts') || (t === 'python' && name === 'py'));
    if (!found) throw new UsageError(`unknown template "${flags.template}"`, `pass --template ${TEMPLATES.join(', --template ')}`);
    return found;
  }
  const { canPrompt } = await import('../adapters/prompts.js');
  if (flags.yes || globals.json || !canPrompt(deps, readEnv(deps.env).ci)) return 'node';
  const prompts = await deps.prompts();
  const chosen = await prompts.select({
    message: "The bot's language",
    choices: [
      { value: 'node', name: 'Node.js (JavaScript)' },
      { value: 'typescript', name: 'TypeScript (Node.js, run with tsx)' },
      { value: 'python', name: 'Python 3' },
    ],
    default: 'node',
  });
  return chosen as TemplateName;
}

/** A path as a shell reads it: quoted only when it needs to be. */
function quote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

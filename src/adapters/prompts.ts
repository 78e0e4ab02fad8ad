// The only inquirer import. Commands ask through this seam; tests script it.
import { CancelledError } from '../errors.js';
import type { Prompts } from '../deps.js';

export type { Choice, Prompts } from '../deps.js';

function cancelled(e: unknown): never {
  if (e instanceof Error && e.name === 'ExitPromptError') throw new CancelledError();
  throw e;
}

export async function createInquirerPrompts(): Promise<Prompts> {
  const inquirer = await import('@inquirer/prompts');
  return {
    input: (q) => inquirer.input(q).catch(cancelled),
    password: (q) => inquirer.password({ ...q, mask: '*' }).catch(cancelled),
    select: (q) => inquirer.select(q).catch(cancelled),
    confirm: (q) => inquirer.confirm(q).catch(cancelled),
  };
}

/** Prompt only when a person can answer: both ends are terminals, not CI, not --yes. */
export function canPrompt(io: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } }, ci: boolean): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY) && !ci;
}

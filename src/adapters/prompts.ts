// The only inquirer import. Commands ask through this seam; tests script it.
import { CancelledError } from '../errors.js';

export interface Choice {
  value: string;
  name?: string;
}

export interface Prompts {
  input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(q: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  select(q: { message: string; choices: Choice[]; default?: string }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
}

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

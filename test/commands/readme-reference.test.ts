// README's command reference stays complete as commands grow: every command, subcommand and flag
// the CLI accepts is named in that command's section (checked against the program itself).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/main.js';
import { makeDeps } from '../helpers/deps.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** `### \`cometbot NAME\`` sections of the reference, by command name. */
function referenceSections(): Map<string, string> {
  const start = README.indexOf('## Command reference');
  const end = README.indexOf('\n## ', start + 1);
  const sections = new Map<string, string>();
  for (const part of README.slice(start, end).split(/^### /m).slice(1)) {
    const name = /^`cometbot ([a-z]+)`/.exec(part)?.[1];
    if (name) sections.set(name, part);
  }
  return sections;
}

/** What a command accepts that its section must name: `sub` for a subcommand, a flag as written (long, else short). */
function accepted(cmd: Command): string[] {
  const own = cmd.options.filter((o) => !o.hidden).map((o) => o.long ?? o.short!);
  return [...own, ...cmd.commands.flatMap((sub) => [`${cmd.name()} ${sub.name()}`, ...accepted(sub).filter((f) => f.startsWith('-'))])];
}

/** Whether `text` names `word` on its own (`--port` is not named by `--api-port`). */
function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(text);
}

describe("README's command reference", () => {
  it('names every command, subcommand and flag the CLI accepts, in that command\'s section', async () => {
    const program = await buildProgram(makeDeps(), ['every-command']); // not a command: all are built in full
    const sections = referenceSections();
    const missing: string[] = [];
    for (const cmd of program.commands) {
      const section = sections.get(cmd.name());
      if (!section) {
        missing.push(`cometbot ${cmd.name()} (no section)`);
        continue;
      }
      for (const item of accepted(cmd)) {
        // A flag documented by its short form (-n N) counts; a subcommand by its name.
        const option = cmd.options.find((o) => o.long === item) ?? cmd.commands.flatMap((c) => c.options).find((o) => o.long === item);
        const named = mentions(section, item) || (option?.short !== undefined && mentions(section, option.short));
        if (!named) missing.push(`cometbot ${cmd.name()}: ${item}`);
      }
    }
    expect(missing).toEqual([]);
    expect([...sections.keys()].sort()).toEqual(program.commands.map((c) => c.name()).sort());
  });
});

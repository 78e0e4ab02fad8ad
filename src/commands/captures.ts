import type { Command } from 'commander';
import type { Deps } from '../deps.js';

export function registerCaptures(program: Command, _deps: Deps): Command {
  return program.command('captures').description('(not built yet)');
}

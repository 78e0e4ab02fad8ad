import type { Command } from 'commander';
import type { Deps } from '../deps.js';

export function registerEmulate(program: Command, _deps: Deps): Command {
  return program.command('emulate').description('(not built yet)');
}

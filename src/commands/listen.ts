import type { Command } from 'commander';
import type { Deps } from '../deps.js';

export function registerListen(program: Command, _deps: Deps): Command {
  return program.command('listen').description('(not built yet)');
}

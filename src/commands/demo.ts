import type { Command } from 'commander';
import type { Deps } from '../deps.js';

export function registerDemo(program: Command, _deps: Deps): Command {
  return program.command('demo').description('(not built yet)');
}

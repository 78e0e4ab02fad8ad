// `cometbot test`: conversation files run against a bot through the emulator, reported for people and CI.
// This half (flags and help) is in the entry bundle, so `cometbot test --help` loads nothing else;
// the run is in test-run.ts.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { globalOptions } from './global-options.js';
import { DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';

export interface TestFlags {
  botUrl?: string;
  apiPort?: string;
  reporter?: string[];
  grep?: string;
  failFast?: boolean;
  within?: string;
  ackWithin?: string;
  verbose?: boolean;
}

export function registerTest(program: Command, deps: Deps): Command {
  return program
    .command('test')
    .description(SUMMARY.test)
    .argument('[paths...]', 'conversation files (*.convo.yaml, *.convo.yml, *.convo.json) or folders holding them (default: the current folder)')
    .option('--bot-url <url>', 'the webhook URL of your running bot')
    .option('--api-port <n>', `port of the emulator your bot replies to (default ${DEFAULT_EMULATOR_PORT}; 0 = any free port)`)
    .option('--reporter <name[=file]>', 'pretty (default), junit, tap or json; =FILE writes to a file; repeatable', collect, [])
    .option('--grep <text>', 'run only cases whose suite or name contains this text')
    .option('--fail-fast', 'stop at the first failing case')
    .option('--within <duration>', 'default reply budget of bot steps where a file sets none (default 5s)')
    .option('--ack-within <duration>', 'default callback answer budget where a file sets none (default 2s)')
    .option('--verbose', 'print every case’s transcript')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot test --bot-url http://localhost:3000/
  $ cometbot test tests/ --bot-url http://localhost:3000/webhook --reporter junit=report.xml
  $ cometbot test greet.convo.yaml --bot-url http://localhost:3000/ --grep "group" --verbose

A conversation file (hello.convo.yaml):
  bot: my-bot
  tests:
    - name: greets
      steps:
        - user: hello
        - bot: { contains: Hello }

Start your bot with COMETCHAT_API_URL=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/v3 (any API key) so its
replies reach the emulator this run starts. Exit codes: 0 all passed, 1 a case failed or the bot
could not be reached, 2 a usage error or an invalid file (nothing was run), 130 interrupted.`,
    )
    .action(async (paths: string[], raw: TestFlags, cmd: Command) => {
      const { runTest } = await import('./test-run.js');
      await runTest(paths, raw, deps, globalOptions(cmd, deps));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}



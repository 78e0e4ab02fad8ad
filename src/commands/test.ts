// `cometbot test`: conversation files run against a bot through the emulator, reported for people and CI.
// This half (flags and help) is in the entry bundle, so `cometbot test --help` loads nothing else;
// the run is in test-run.ts.
import type { Command } from 'commander';
import { collect } from '../core/collect.js';
import type { Deps } from '../deps.js';
import { SUMMARY } from './summaries.js';
import { globalOptions } from './global-options.js';
import { DEFAULT_EMULATOR_PORT } from '../core/emulator-defaults.js';
import type { TestFlags } from '../testing/options.js';

export type { TestFlags };

export function registerTest(program: Command, deps: Deps): Command {
  return program
    .command('test')
    .description(SUMMARY.test)
    .argument('[paths...]', 'conversation files (*.convo.yaml, *.convo.yml, *.convo.json) or folders holding them (default: the current folder)')
    .usage('[options] [paths...] [-- COMMAND [ARG...]]')
    .option('--bot-url <url>', 'the webhook URL of your running bot (with -- COMMAND: where the started bot listens)')
    .option('--api-port <n>', `port of the emulator your bot replies to (default ${DEFAULT_EMULATOR_PORT} with --bot-url, a free port with -- COMMAND)`)
    .option('--bot-path <path>', 'with -- COMMAND: the webhook path on the bot (default /)')
    .option('--start-timeout <duration>', 'with -- COMMAND: how long the bot may take to listen on $PORT (default 15s)')
    .option('--app-id <id>', 'the app the emulator plays (default: the file\'s app, env COMETCHAT_APP_ID, else "emulator")')
    .option('--region <region>', 'its region (env COMETCHAT_REGION, default us)')
    .option('--api-key <key>', 'the REST API key the bot must send (env COMETCHAT_API_KEY; default: any key)')
    .option('--live', 'run the files against the bot as deployed on a real CometChat app (the profile\'s, or COMETCHAT_APP_ID/REGION/API_KEY)')
    .option('--live-prefix <prefix>', 'with --live: prefix of the file\'s users on the app (default cbt-: alice → cbt-alice)')
    .option('--keep', 'with --live: keep the groups the run made (deleted at the end otherwise)')
    .option('--reporter <name[=file]>', 'pretty (default), junit, tap or json; =FILE writes to a file; repeatable', collect, [])
    .option('--grep <text>', 'run only cases whose suite or name contains this text')
    .option('--fail-fast', 'stop at the first failing case')
    .option('--shard <i/n>', 'run the i-th of n deterministic slices of the cases (CI jobs in parallel), e.g. --shard 2/4')
    .option('--list', 'print the cases that would run (after --grep and --shard), and start nothing')
    .option('--within <duration>', 'default reply budget of bot steps where a file sets none (default 5s)')
    .option('--ack-within <duration>', 'default callback answer budget where a file sets none (default 2s)')
    .option('--verbose', 'print every case’s transcript')
    .addHelpText(
      'after',
      `
Examples:
  $ cometbot test -- node bot.js                   # cometbot starts the bot, unchanged
  $ cometbot test tests/ -- python3 bot.py
  $ cometbot test --bot-url http://localhost:3000/
  $ cometbot test tests/ --bot-url http://localhost:3000/webhook --reporter junit=report.xml
  $ cometbot test greet.convo.yaml --bot-url http://localhost:3000/ --grep "group" --verbose
  $ cometbot test tests/ --shard 1/3 -- node bot.js   # one of three CI jobs
  $ cometbot test tests/ --list
  $ cometbot test tests/ --live --profile staging   # the same files against the deployed bot

A conversation file (hello.convo.yaml):
  bot: my-bot
  tests:
    - name: greets
      steps:
        - user: hello
        - bot: { contains: Hello }

With -- COMMAND, cometbot starts the bot with PORT, COMETCHAT_APP_ID, COMETCHAT_REGION, COMETCHAT_API_KEY,
COMETCHAT_API_URL, COMETCHAT_BOT_UID and the callback credentials in its environment, routes its calls
to *.cometchat.io to the emulator (Node: a preload; anything else: HTTPS_PROXY and a CA made for this
run), and stops its whole process group at the end. With --bot-url, start your bot yourself with
COMETCHAT_API_URL=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/v3 (any API key). Exit codes: 0 all passed, 1 a case failed or the bot
could not be reached, 2 a usage error or an invalid file (nothing was run), 130 interrupted.`,
    )
    .action(async (operands: string[], raw: TestFlags, cmd: Command) => {
      // commander keeps the command line it parsed in rawArgs (not in its typings): where `--` was.
      const { paths, command } = splitCommand(operands, (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? []);
      const { runTest } = await import('./test-run.js');
      await runTest(paths, raw, deps, globalOptions(cmd, deps), command);
    });
}

/** Operands after `--` are the bot's command line; commander hands them over mixed with the paths. */
export function splitCommand(operands: string[], rawArgs: readonly string[]): { paths: string[]; command: string[] } {
  const dashes = rawArgs.indexOf('--');
  if (dashes < 0) return { paths: operands, command: [] };
  const count = rawArgs.length - dashes - 1;
  return { paths: operands.slice(0, operands.length - count), command: operands.slice(operands.length - count) };
}




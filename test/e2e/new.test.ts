// `cometbot new` as a user runs it: scaffold each template into a fresh folder, then run the generated
// workflow's own test command (cometbot test on the generated tests against the generated bot, unchanged).
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validateXML } from 'xmllint-wasm';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';
import { freePort } from '../../src/adapters/free-port.js';

const XSD = readFileSync(fileURLToPath(new URL('../fixtures/junit.xsd', import.meta.url)), 'utf8');

interface Workflow {
  jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
}

/** The generated workflow's `cometbot test` step, as argv for the built binary (npx --yes cometbot → our bin). */
function workflowTestCommand(dir: string): { argv: string[]; install?: string; report: string } {
  const workflow = parse(readFileSync(join(dir, '.github/workflows/bot-tests.yml'), 'utf8')) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const test = steps.find((s) => s.run?.includes('cometbot test'));
  expect(test?.run).toMatch(/^npx --yes cometbot test /);
  const publish = steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report'));
  const report = String(publish?.with?.report_paths);
  expect(test!.run).toContain(`junit=${report}`);
  const install = steps.find((s) => s.run?.startsWith('npm install'))?.run;
  return { argv: test!.run!.split(/\s+/).slice(3), install, report };
}

async function junitCases(file: string): Promise<{ valid: boolean; cases: number; failures: number }> {
  const xml = readFileSync(file, 'utf8');
  const valid = (await validateXML({ xml: { fileName: 'r.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: XSD } })).valid;
  return { valid, cases: xml.match(/<testcase /g)?.length ?? 0, failures: xml.match(/<failure /g)?.length ?? 0 };
}

describe('cometbot new (spawned)', () => {
  // Concurrent: each waits mostly on its bot and its budgets, not on the CPU.
  it.concurrent.for(['node', 'python', 'typescript'])('%s: the generated tests pass against the generated bot, through the generated workflow\'s command', { timeout: 90_000 }, async (template, { expect }) => {
    const parent = tempHome();
    const made = await runCli(['new', 'weather', '--template', template, '--uid', 'weather-bot'], { env: { HOME: tempHome() }, cwd: parent });
    expect(made.stderr).toMatch(/^✔ created weather-bot/);
    expect(made.code).toBe(0);
    const dir = join(parent, 'weather');
    const next = made.stdout.split('\n').slice(made.stdout.split('\n').indexOf('Next:') + 1).filter(Boolean);
    expect(next).toHaveLength(3);
    expect(next[0]).toMatch(/^ {2}cd weather/);
    expect(next[1]).toMatch(/^ {2}cometbot dev -- /);
    expect(next[2]).toMatch(/^ {2}cometbot test -- /);

    const { argv, install, report } = workflowTestCommand(dir);
    if (install) {
      // The TypeScript template's one dev dependency (tsx) comes from the registry, or npm's cache of it.
      const installed = spawnSync('npm', [...install.split(/\s+/).slice(1), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(installed.status, installed.stderr).toBe(0);
    }
    const r = await runCli(argv, { env: { HOME: tempHome() }, cwd: dir, timeoutMs: 40_000 });
    expect(r.stdout).toMatch(/^5 passed, 0 failed/m);
    expect(r.code).toBe(0);
    expect(await junitCases(join(dir, report))).toEqual({ valid: true, cases: 5, failures: 0 });
  });

  it('refuses a folder that is not empty (exit 2), and --force writes the template over it', async () => {
    const dir = tempHome();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const refused = await runCli(['new', dir], { env: { HOME: tempHome() } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: ${dir} is not empty\nhint: name a new or empty folder, or pass --force to write the template over it (other files are kept)\n`);
    const forced = await runCli(['--json', 'new', dir, '--force', '--uid', 'Helper_Bot'], { env: { HOME: tempHome() } });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ dir, template: 'node', uid: 'helper_bot' });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'bot.js'), 'utf8')).toContain("|| 'helper_bot'");
  });

  it('bad input: one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['new', '--template', 'rust'], /^error: unknown template "rust"\nhint: pass --template node, --template typescript, --template python\n$/],
      [['new', '--uid', 'my bot'], /^error: invalid UID "my bot": only letters, digits, - and _ are allowed\nhint: /],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(args, { env: { HOME: tempHome() }, cwd: tempHome() });
      expect(r.stderr).toMatch(stderr);
      expect(r.code).toBe(2);
    }
  });

  it.each(['node', 'python'])('%s: the generated bot refuses a callback without the Basic Auth it is given (401) and acks one with it at once', async (template) => {
    const dir = join(tempHome(), 'bot');
    expect((await runCli(['new', dir, '--template', template], { env: { HOME: tempHome() } })).code).toBe(0);
    const port = await freePort();
    const [command, ...args] = template === 'node' ? ['node', 'bot.js'] : ['python3', 'bot.py'];
    const bot = spawn(command!, args, {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(port), COMETCHAT_API_URL: 'http://127.0.0.1:9/v3', COMETCHAT_API_KEY: 'k', COMETCHAT_CALLBACK_USERNAME: 'cb-user', COMETCHAT_CALLBACK_PASSWORD: 'cb-password-123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      bot.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        bot.stdout.on('data', (d: string) => ((out += d), out.includes('listening on port') && resolve()));
        bot.once('exit', (code) => reject(new Error(`the bot exited (${code})`)));
      });
      const post = (authorization?: string) =>
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{"trigger":"after_message","data":{"id":"1","category":"action","type":"groupMember"}}' });
      expect((await post()).status).toBe(401);
      expect((await post(`Basic ${Buffer.from('cb-user:wrong').toString('base64')}`)).status).toBe(401);
      expect((await post(`Basic ${Buffer.from('cb-user:cb-password-123').toString('base64')}`)).status).toBe(200);
    } finally {
      bot.kill('SIGTERM');
      if (bot.exitCode === null) await once(bot, 'exit');
    }
  });

});

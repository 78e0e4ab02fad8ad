// What real suites need, run against a bot: variables from replies, skipping typing notes, data-driven
// cases named by their row in every report, and checks in code.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseConvo } from '../../src/core/convo/parse.js';
import { TestRun } from '../../src/testing/run.js';
import type { CaseResult } from '../../src/testing/results.js';
import { startBot, type Behaviour, type Callback } from '../helpers/bots.js';

const CHECKS = fileURLToPath(new URL('../fixtures/checks/checks.mjs', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function run(yaml: string, behaviour: Behaviour): Promise<CaseResult[]> {
  const parsed = parseConvo(yaml, fileURLToPath(new URL('../fixtures/checks/suite.convo.yaml', import.meta.url)));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  const bot = await startBot(behaviour);
  cleanups.push(() => bot.close());
  const testRun = new TestRun({ files: [parsed.file], botUrl: bot.url, apiPort: 0, credentials: null, app: { appId: 'emulator', region: 'us', apiKey: 'test-key', anyApiKey: false } });
  cleanups.push(() => testRun.close());
  bot.apiUrl = (await testRun.start()).apiUrl;
  const cases: CaseResult[] = [];
  testRun.on('case', (c) => cases.push(c));
  await testRun.run();
  return cases;
}

const to = (cb: Callback, text: string) => ({ receiver: cb.data.sender, receiverType: 'user' as const, text });

describe('variables, eventually, each and check against a bot', () => {
  it('captures a ticket number, uses it later, saves a value, and skips typing notes with eventually', async () => {
    const cases = await run(
      `bot: b\ntests:\n  - name: ticket\n    steps:\n      - user: open a ticket\n      - bot: { eventually: true, matches: "ticket #(?<ticket>\\\\d+)", save: { opened: data.text } }\n      - user: "status of \${ticket}"\n      - bot: { text: "ticket \${ticket} is open", check: "${CHECKS}#mentionsTicket" }\n      - user: "you said: \${opened}"\n      - bot: any\n`,
      {
        replies: (cb) => {
          const t = cb.data.data.text!;
          if (t === 'open a ticket') return [to(cb, 'typing…'), to(cb, 'opened ticket #4711')];
          if (t.startsWith('status of ')) return [to(cb, `ticket ${t.slice(10)} is open`)];
          return [to(cb, `got: ${t}`)];
        },
      },
    );
    expect(cases[0]!.status).toBe('passed');
    const lines = cases[0]!.transcript.map((l) => l.text);
    expect(lines).toContain('  skipped (eventually): b → alice: typing…');
    expect(lines).toContain('alice → b: status of 4711');
    expect(lines).toContain('alice → b: you said: opened ticket #4711');
  });

  it('without eventually the first message must match; a check’s reason and a throwing check fail the step', async () => {
    const cases = await run(
      `bot: b\ntests:\n  - name: strict\n    steps:\n      - user: hi\n      - bot: { contains: hello }\n  - name: rude\n    steps:\n      - user: hi\n      - bot: { check: "${CHECKS}#isPolite" }\n  - name: broken check\n    allowExtraReplies: true\n    steps:\n      - user: hi\n      - bot: { check: "${CHECKS}#explodes" }\n`,
      { replies: (cb) => [to(cb, 'typing…'), to(cb, 'hello')] },
    );
    expect(cases.map((c) => [c.name, c.status])).toEqual([['strict', 'failed'], ['rude', 'failed'], ['broken check', 'failed']]);
    expect(cases[0]!.failure!.message).toBe("the bot's message does not match: contains");
    expect(cases[1]!.failure!.message).toMatch(/^check .*checks\.mjs#isPolite: not polite: "typing…"$/);
    expect(cases[2]!.failure!.message).toMatch(/#explodes: the check itself failed$/);
  });

  it('runs a case per row of each, named with its values', async () => {
    const cases = await run(`bot: b\ntests:\n  - name: echo\n    each: { word: [one, two] }\n    steps:\n      - user: "\${word}"\n      - bot: { text: "echo: \${word}" }\n`, {});
    expect(cases.map((c) => [c.name, c.status])).toEqual([['echo [word=one]', 'passed'], ['echo [word=two]', 'passed']]);
  });
});

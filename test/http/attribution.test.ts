// Results you can trust: one defect in a bot fails the case it touches and no other. A reply is only
// ever matched by a step of the case whose callback caused it; a late one is reported on its own case,
// or (when that case was already reported) as a late reply that fails the run.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConvo } from '../../src/core/convo/parse.js';
import { TestRun } from '../../src/testing/run.js';
import type { CaseResult, RunSummary } from '../../src/testing/results.js';
import { echo, startBot, type Behaviour } from '../helpers/bots.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** `n` cases, each: alice says `say(i)`, the echo comes back. */
/** Budgets are generous (3 s) so a loaded machine cannot fail the cases meant to pass; the slow reply is slower still. */
function suite(n: number, say: (i: number) => string, within = '3s'): string {
  const cases = Array.from({ length: n }, (_, i) => `  - name: case ${i + 1}\n    steps:\n      - user: "${say(i + 1)}"\n      - bot: { text: "echo: ${say(i + 1)}" }\n`).join('');
  return `bot: echo-bot\nwithin: ${within}\nackWithin: 3s\ntests:\n${cases}`;
}

async function run(yaml: string, behaviour: Behaviour): Promise<{ cases: CaseResult[]; summary: RunSummary; late: unknown[] }> {
  const parsed = parseConvo(yaml, 'case.convo.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  const bot = await startBot(behaviour);
  cleanups.push(() => bot.close());
  const testRun = new TestRun({ files: [parsed.file], botUrl: bot.url, apiPort: 0, credentials: null, app: { appId: 'emulator', region: 'us', apiKey: 'test-key', anyApiKey: false } });
  cleanups.push(() => testRun.close());
  const { apiUrl } = await testRun.start();
  bot.apiUrl = apiUrl;
  const cases: CaseResult[] = [];
  const late: unknown[] = [];
  testRun.on('case', (c) => cases.push(c));
  testRun.on('late', (l) => late.push(l));
  const summary = await testRun.run();
  return { cases, summary, late };
}

const failedNames = (cases: CaseResult[]) => cases.filter((c) => c.status === 'failed').map((c) => c.name);

describe('attribution of replies to the case that caused them', () => {
  it('a reply later than its budget fails its own case only, and is shown there as late', async () => {
    const { cases, summary } = await run(suite(5, (i) => (i === 2 ? 'slow' : `m${i}`)), { replyDelayMs: (cb) => (cb.data.data.text === 'slow' ? 3_600 : 0) });
    expect(failedNames(cases)).toEqual(['case 2']);
    expect(cases[1]!.failure!.message).toBe('no bot message within 3s');
    expect(cases[1]!.transcript.map((t) => t.text)).toContainEqual(expect.stringMatching(/^echo-bot → alice: echo: slow \(\d+ ms\) — late: after the step's budget, never matched$/));
    expect(summary).toMatchObject({ passed: 4, failed: 1 });
  });

  it('a bot that answers one callback 500 but still replies fails exactly that case', async () => {
    const { cases } = await run(suite(10, (i) => (i === 4 ? 'boom' : `m${i}`)), { ackStatus: (cb) => (cb.data.data.text === 'boom' ? 500 : 200) });
    expect(failedNames(cases)).toEqual(['case 4']);
    expect(cases[3]!.failure!.message).toBe('the bot answered the callback 500 (CometChat expects 2xx)');
  });

  it('a bot that never answers one message fails that case, and the next case still gets its own reply', async () => {
    const { cases } = await run(suite(4, (i) => (i === 2 ? 'ignore me' : `m${i}`), '2s'), { replies: (cb) => (cb.data.data.text === 'ignore me' ? [] : echo(cb)) });
    expect(failedNames(cases)).toEqual(['case 2']);
  });

  it('a reply that comes after its case was reported is a late reply: named, and the run fails', async () => {
    const yaml = `bot: echo-bot\nwithin: 3s\ntests:\n  - name: extra message\n    steps:\n      - user: twice\n      - bot: { text: "echo: twice" }\n  - name: next\n    steps:\n      - wait: 600ms\n      - user: once\n      - bot: { text: "echo: once" }\n`;
    const { cases, summary, late } = await run(yaml, {
      replies: (cb) => (cb.data.data.text === 'twice' ? [...echo(cb), { receiver: 'bob', receiverType: 'user', text: 'psst', afterMs: 200 }] : echo(cb)),
    });
    // The first case's second message reaches bob 200 ms after the case passed: not the next case's.
    expect(cases.map((c) => c.status)).toEqual(['passed', 'passed']);
    expect(late).toEqual([expect.objectContaining({ file: 'case.convo.yaml', case: 'extra message', message: expect.stringContaining('echo-bot → bob: psst') })]);
    expect(summary.late).toHaveLength(1);
  });
});

describe('a failure says why the moment it is known', () => {
  it('a refused REST call fails the step waiting on the reply at once, with CometChat’s message', async () => {
    const yaml = `bot: echo-bot\nwithin: 8s\ntests:\n  - name: empty reply\n    steps:\n      - user: hi\n      - bot: any\n`;
    const { cases } = await run(yaml, { replies: (cb) => [{ receiver: cb.data.sender, receiverType: 'user', text: '' }] });
    expect(cases[0]!.failure).toMatchObject({ kind: 'bot', message: 'the bot made a REST call CometChat refuses: POST /v3/bots/echo-bot/messages → 400 ERR_EMPTY_MESSAGE_TEXT (The message text is empty.)' });
    expect(cases[0]!.steps[1]!.ms).toBeLessThan(4_000); // not the 8 s budget
  });

  it('a bot step after a message that was not relayed fails at once, saying why', async () => {
    const yaml = `bot: echo-bot\nwithin: 8s\ngroupChatSetting: mentionedMessages\ngroups:\n  - guid: support\n    members: [alice]\n    bot: true\ntests:\n  - name: no mention\n    steps:\n      - user: { text: hello all, group: support }\n      - bot: any\n`;
    const { cases } = await run(yaml, {});
    expect(cases[0]!.failure!.message).toBe('no bot message can come: the last user message was not relayed to echo-bot (bot echo-bot has groupChatSetting mentionedMessages and the message does not mention <@uid:echo-bot>)');
    expect(cases[0]!.steps[1]!.ms).toBeLessThan(4_000);
  });
});

describe('regular expressions from files', () => {
  it('a catastrophic pattern fails its step with a reason after the budget, and the run goes on', async () => {
    const yaml = `bot: echo-bot\ntests:\n  - name: backtracks\n    steps:\n      - user: "${'a'.repeat(31)}!"\n      - bot: { matches: "^(a+)+$" }\n  - name: next\n    steps:\n      - user: hi\n      - bot: { matches: "^echo: (hi|hello)$" }\n`;
    const { cases } = await run(yaml, { replies: (cb) => [{ receiver: cb.data.sender, receiverType: 'user', text: cb.data.data.text === 'hi' ? 'echo: hi' : cb.data.data.text! }] });
    expect(cases.map((c) => c.status)).toEqual(['failed', 'passed']);
    expect(cases[0]!.failure!.message).toBe('the regular expression /^(a+)+$/ took longer than 1000 ms on a 32-character text (it backtracks catastrophically: simplify it, e.g. no nested quantifiers like (a+)+)');
  });
});

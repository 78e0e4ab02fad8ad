import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { makeDeps, tempHome } from '../helpers/deps.js';
import { calls, startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator;
let home: string;

beforeEach(async () => {
  emulator = await startEmulator();
  home = tempHome();
  const deps = makeDeps({ home, env: { COMETCHAT_API_KEY: TEST_KEY } });
  expect(await main(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'helper', '--api-url', emulator.baseUrl], deps)).toBe(0);
  emulator.backend.addMembers('team', ['helper']);
  emulator.requests.length = 0;
});
afterEach(async () => emulator.close());

async function say(args: string[], opts: { stdin?: string | null; tty?: boolean } = {}) {
  const deps = makeDeps({ home, ...opts });
  const code = await main(['say', ...args], deps);
  return { code, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
}

const sent = () => emulator.requests.filter((r) => r.method === 'POST').map((r) => r.body as Record<string, any>);

describe('cometbot say', () => {
  it('sends to a user from the arguments and prints the message id', async () => {
    const r = await say(['--to', 'alice', 'hello', 'there']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1\n');
    expect(calls(emulator)).toEqual(['POST /bots/helper/messages']);
    expect(sent()[0]).toMatchObject({ receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hello there' } });
    expect(sent()[0]!.muid).toMatch(/^cometbot-/);
  });

  it('sends to a group with metadata; --json prints the message object', async () => {
    const r = await say(['--json', '--group', 'team', '--metadata', '{"source":"test"}', 'hi team']);
    expect(r.code).toBe(0);
    const message = JSON.parse(r.stdout);
    expect(message).toMatchObject({ id: '1', sender: 'helper', receiver: 'team', receiverType: 'group', data: { text: 'hi team', metadata: { source: 'test' } } });
  });

  it('reads the text from stdin when piped (or with -)', async () => {
    expect((await say(['--to', 'alice'], { stdin: 'from a pipe\n' })).code).toBe(0);
    expect((await say(['--to', 'alice', '-'], { stdin: 'dash too' })).code).toBe(0);
    expect(sent().map((b) => b.data.text)).toEqual(['from a pipe', 'dash too']);
  });

  it('sends a custom message', async () => {
    const r = await say(['--to', 'alice', '--custom', 'poll', '--data', '{"question":"Lunch?"}']);
    expect(r.code).toBe(0);
    expect(sent()[0]).toMatchObject({ category: 'custom', type: 'poll', data: { customData: { question: 'Lunch?' } } });
  });

  it('replies in a thread through /messages/{id}/thread on behalf of the bot', async () => {
    await say(['--to', 'alice', 'parent']);
    emulator.requests.length = 0;
    const r = await say(['--to', 'alice', '--thread', '1', 'in thread']);
    expect(r.code).toBe(0);
    expect(calls(emulator)).toEqual(['POST /messages/1/thread']);
    expect(emulator.backend.allMessages()[1]).toMatchObject({ parentId: '1', sender: 'helper' });
  });

  it('keeps --muid across retries', async () => {
    emulator.backend.injectFault({ status: 429, code: 'ERR_TOO_MANY_REQUESTS', retryAfter: 0, times: 2 });
    const r = await say(['--to', 'alice', '--muid', 'my-id-1', 'hi']);
    expect(r.code).toBe(0);
    expect(sent().map((b) => b.muid)).toEqual(['my-id-1', 'my-id-1', 'my-id-1']);
  });

  it.each([
    [['--to', 'alice', '--metadata', '{oops', 'hi'], /invalid JSON for --metadata/],
    [['--to', 'alice', '  '], /text is empty/],
    [['hi'], /no receiver: pass --to UID or --group GUID/],
    [['--to', 'a', '--group', 'b', 'hi'], /not both/],
  ])('%j is exit 2 before any request', async (args, message) => {
    const r = await say(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(emulator.requests).toEqual([]);
  });

  it('no text on a terminal is a usage error, not a hang', async () => {
    const r = await say(['--to', 'alice'], { tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: no message text');
  });

  it('an unknown receiver shows CometChat’s code and exits 1', async () => {
    const r = await say(['--to', 'nobody', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: ERR_UID_NOT_FOUND: /m);
  });

  it('without a profile, says to run init', async () => {
    const deps = makeDeps({});
    const code = await main(['say', '--to', 'alice', 'hi'], deps);
    expect(code).toBe(2);
    expect(deps.stderr.text()).toContain('hint: run cometbot init first');
  });
});

describe('network waits', () => {
  it('show a spinner on a terminal stderr, and never in --json or piped output', async () => {
    const tty = await say(['--to', 'alice', 'spin'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('⠋ Sending…');
    const piped = await say(['--to', 'alice', 'quiet']);
    expect(piped.stderr).not.toContain('Sending…');
    const json = await say(['--json', '--to', 'alice', 'quiet'], { tty: true });
    expect(json.stderr).not.toContain('Sending…');
  });
});

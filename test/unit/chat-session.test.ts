// The chat prompt's interpreter, line by line, against an emulator that is not listening (no bot has a
// webhook here, so nothing is relayed over the network).
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../src/emulator/server.js';
import { ChatSession } from '../../src/emulator/chat-session.js';

function session() {
  const emulator = new Emulator({ now: () => new Date(1_700_000_000_000) });
  const files = new Map<string, string>();
  const chat = new ChatSession(emulator, 'Alice', {
    writeFile: async (path, text) => {
      if (files.has(path)) throw new Error(`${path} already exists: /save to another name`);
      files.set(path, text);
    },
  });
  const say = async (line: string) => (await chat.handle(line)).lines.map((l) => `${l.level}: ${l.text}`);
  return { emulator, chat, say, files };
}

describe('ChatSession', () => {
  it('talks as the chosen user to the chosen user or group, and says what is wrong with a line', async () => {
    const { emulator, chat, say } = session();
    expect(chat.prompt()).toBe('alice → (no bot yet: /to <uid>) › ');
    expect(await say('hello')).toEqual(['warn: no one to talk to yet: /to <bot uid> (run cometbot init against this emulator first)']);
    expect(await say('/to')).toEqual(['warn: usage: /to <uid>: talk to a user or bot']);
    expect(await say('/to bob')).toEqual([]);
    expect(await say('hi bob')).toEqual([]);
    expect(chat.prompt()).toBe('alice → bob › ');
    expect(await say('/nope')).toEqual(['warn: unknown command /nope; try /help']);
    expect(await say('/group ghost')).toEqual([]);
    expect(await say('hi')).toEqual(['warn: ERR_GUID_NOT_FOUND: The GUID ghost does not exist.']);
    expect(await say('/as erin')).toEqual([]);
    expect(emulator.backend.findUser('erin')).toBeDefined();
    expect((await chat.handle('/quit')).quit).toBe(true);
  });

  it('/history shows the conversation; /reply, /react, /edit and /delete change it', async () => {
    const { emulator, say } = session();
    await say('/to bob');
    await say('first message');
    await say('second message');
    const [first, second] = emulator.backend.allMessages();
    expect(await say(`/reply ${first!.id} in the thread`)).toEqual([]);
    expect(await say(`/react ${first!.id} 👍`)).toEqual([`info: alice reacted 👍 to message ${first!.id}`]);
    expect(await say(`/edit ${second!.id} second, edited`)).toEqual([`info: message ${second!.id} edited`]);
    expect(await say(`/delete ${first!.id}`)).toEqual([`info: message ${first!.id} deleted`]);
    expect(await say('/react 999 👍')).toEqual(['warn: The message with id 999 does not exist.']);
    // The last three: the action messages the reaction, the edit and the delete wrote.
    const id = (n: number) => Number(second!.id) + n;
    expect(await say('/history 3')).toEqual([`info: #${id(2)} alice: (reactionAdded)`, `info: #${id(3)} alice: (edited)`, `info: #${id(4)} alice: (deleted)`]);
    const all = (await say('/history 100')).join('\n');
    expect(all).toContain(`#${first!.id} alice: (deleted) [👍 1]`);
    expect(all).toContain(`#${second!.id} alice: second, edited (edited)`);
    expect(all).toContain('alice: in the thread (in thread #');
    expect(await say('/history zero')).toEqual(['warn: usage: /history [n]: the last n messages here (default 10)']);
  });

  it('/save writes a conversation file once and refuses to replace it', async () => {
    const { emulator, say, files } = session();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    emulator.setCallbackPolicy({ timeoutMs: 20 });
    await say('hi helper');
    expect(await say('/save chat')).toEqual(["info: saved 1 step(s) to chat.convo.yaml: cometbot test chat.convo.yaml -- <your bot's command>"]);
    expect(files.get('chat.convo.yaml')).toContain('bot: helper');
    expect(await say('/save chat')).toEqual(['warn: chat.convo.yaml already exists: /save to another name']);
    await emulator.close();
  });
});

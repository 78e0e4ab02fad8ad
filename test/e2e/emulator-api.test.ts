// `cometbot/emulator` as a bot's own test suite uses it: imported by its package name, as users do.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from 'cometbot/emulator';
import { echo, startBot, type TestBot } from '../helpers/bots.js';

let emu: EmulatorHandle | undefined;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  await emu?.close();
  emu = bot = undefined;
});

describe('cometbot/emulator', () => {
  it('starts on a free port, relays a user message to the bot, and hands back its reply', async () => {
    emu = await startEmulator();
    expect(emu.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    expect([emu.appId, emu.region, emu.apiKey]).toEqual(['emulator', 'us', 'emulator-key']);
    bot = await startBot();
    bot.apiUrl = emu.apiUrl;
    bot.apiKey = emu.apiKey;
    emu.registerBot({ uid: 'my-bot', webhookURL: bot.url, username: 'u1', password: 'p1' });
    const said = await emu.userSays({ from: 'alice', to: 'my-bot', text: 'hi' });
    expect(said.callbacks).toEqual([{ bot: 'my-bot', status: 200, ms: expect.any(Number) }]);
    expect(bot.authorizations).toEqual([`Basic ${Buffer.from('u1:p1').toString('base64')}`]);
    const reply = await emu.nextBotMessage({ timeout: 20_000 });
    expect(reply).toMatchObject({ sender: 'my-bot', receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'echo: hi' } });
    expect(emu.outbox().map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['POST /v3/bots/my-bot/messages 200']);
  });

  it('says why a group message was not relayed, and rejects nextBotMessage after its timeout', async () => {
    emu = await startEmulator();
    bot = await startBot({ replies: echo });
    emu.registerBot({ uid: 'my-bot', webhookURL: bot.url, groupChatSetting: 'mentionedMessages' });
    const said = await emu.userSays({ from: 'alice', group: 'team', text: 'hello' });
    expect(said.callbacks).toEqual([]);
    expect(said.notRelayed).toEqual([{ bot: 'my-bot', reason: 'bot my-bot is not a member of group team' }]);
    await expect(emu.nextBotMessage({ timeout: 50 })).rejects.toThrow('no bot message within 50 ms');
  });

  it('reset() empties the inbox and the state', async () => {
    emu = await startEmulator({ apiKey: 'k1', appId: 'app1', region: 'eu' });
    bot = await startBot();
    bot.apiUrl = emu.apiUrl;
    bot.apiKey = 'wrong-key';
    emu.registerBot({ uid: 'my-bot', webhookURL: bot.url });
    await emu.userSays({ from: 'alice', to: 'my-bot', text: 'hi' });
    await expect(emu.nextBotMessage({ timeout: 300 })).rejects.toThrow();
    expect(emu.outbox().at(-1)).toMatchObject({ status: 401, errorCode: 'AUTH_ERR_APIKEY_NOT_FOUND' });
    emu.reset();
    expect(emu.outbox()).toEqual([]);
  });
});

describe('cometbot/emulator seeding helpers', () => {
  it('seeds users, groups by scope and history a bot reads back through the REST API', async () => {
    emu = await startEmulator();
    emu.seedUsers([{ uid: 'dave', name: 'Dave', metadata: { plan: 'pro' }, tags: ['vip'] }, { uid: 'alice', name: 'Alice A.' }]);
    emu.seedGroups([{ guid: 'support', owner: 'alice', admins: ['bob'], participants: ['dave'] }]);
    emu.registerBot({ uid: 'my-bot', webhookURL: 'http://127.0.0.1:9/' });
    emu.seedGroups([{ guid: 'support', participants: ['my-bot'] }]);
    const seeded = emu.seedHistory([
      { from: 'dave', to: 'my-bot', text: 'my order is late' },
      { from: 'my-bot', to: 'dave', text: 'sorry, checking' },
      { from: 'bob', group: 'support', text: 'who is on call?' },
    ]);
    expect(seeded.map((m) => m.sender)).toEqual(['dave', 'my-bot', 'bob']);
    // Seeded history reaches no bot: it is already there when the test starts.
    expect(emu.backend.deliveries()).toEqual([]);
    const api = (path: string, headers: Record<string, string> = {}) => fetch(`${emu!.apiUrl}${path}`, { headers: { apikey: emu!.apiKey, ...headers } }).then((r) => r.json() as Promise<any>);
    const history = await api('/users/dave/messages', { onBehalfOf: 'my-bot' });
    expect(history.data.map((m: any) => m.data.text)).toEqual(['my order is late', 'sorry, checking']);
    expect((await api('/users/dave')).data).toMatchObject({ metadata: { plan: 'pro' }, tags: ['vip'] });
    expect((await api('/users/alice')).data.name).toBe('Alice A.');
    const members = await api('/groups/support/members');
    expect(members.data.map((m: any) => [m.uid, m.scope])).toEqual([['alice', 'admin'], ['bob', 'admin'], ['dave', 'participant'], ['my-bot', 'participant']]);
    expect(emu.history({ conversationId: 'group_support' }).map((m) => m.data)).toEqual([expect.objectContaining({ text: 'who is on call?' })]);
    expect(emu.operations().length).toBeGreaterThanOrEqual(69);
    expect(() => emu!.seedGroups([{ guid: 'support', participants: ['ghost'] }])).toThrow('seedGroups: ghost in support: ERR_UID_NOT_FOUND');
  });
});

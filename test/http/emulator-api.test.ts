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
    const reply = await emu.nextBotMessage({ timeout: 2000 });
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

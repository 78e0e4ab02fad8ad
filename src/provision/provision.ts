// Provisioning a bot in a CometChat app: the user it is, then its /bots registration with Basic Auth.
// Each step returns what happened; `init` prints it. A deactivated user and an outage are errors; a
// refused /bots API is an outcome (the dashboard steps), never a failure of init.
import type { CometChatClient, Json } from '../adapters/cometchat-client.js';
import type { GroupChatSetting } from '../core/group-chat-setting.js';
import { ApiError, CliError } from '../errors.js';

export type UserOutcome = 'reused' | 'created';

export async function ensureUser(client: CometChatClient, user: { uid: string; name: string; avatar?: string }): Promise<UserOutcome> {
  try {
    await client.getUser(user.uid);
    return 'reused';
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'ERR_UID_NOT_FOUND') throw e;
  }
  try {
    await client.createUser(user.avatar ? user : { uid: user.uid, name: user.name });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'ERR_UID_ALREADY_EXISTS') {
      throw new CliError(
        `user ${user.uid} exists but is deactivated, so it cannot be used as a bot`,
        `reactivate it (Dashboard → Users, or PUT /users with {"uidsToActivate":["${user.uid}"]}) and run init again, or pick another --uid`,
      );
    }
    throw e;
  }
  return 'created';
}

export interface BotSettings {
  uid: string;
  groupChatSetting: GroupChatSetting;
  username: string;
  password: string;
}

export type BotOutcome =
  | { kind: 'created' | 'updated' | 'unchanged'; credentials: { username: string; password: string }; adopted: boolean }
  /** /bots is missing for the plan or region (404), or the key has no access (403): register it in the dashboard. */
  | { kind: 'refused'; credentials: { username: string; password: string }; code: string; status: number };

/** Creates or updates the bot; with `mayAdopt`, a bot that already has Basic Auth keeps its credentials. */
export async function ensureBot(client: CometChatClient, bot: BotSettings, mayAdopt: boolean): Promise<BotOutcome> {
  let credentials = { username: bot.username, password: bot.password };
  let adopted = false;
  try {
    let current: Json | undefined;
    try {
      current = await client.getBot(bot.uid);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'ERR_BOT_NOT_FOUND') throw e;
    }
    if (mayAdopt && current?.useBasicAuth === true && typeof current.username === 'string' && typeof current.password === 'string' && current.username && current.password) {
      credentials = { username: current.username, password: current.password };
      adopted = true;
    }
    const wanted: Json = { useBasicAuth: true, ...credentials, groupChatSetting: bot.groupChatSetting };
    if (!current) {
      await client.createBot({ uid: bot.uid, ...wanted });
      return { kind: 'created', credentials, adopted };
    }
    if (Object.entries(wanted).some(([k, v]) => current![k] !== v)) {
      await client.updateBot(bot.uid, wanted);
      return { kind: 'updated', credentials, adopted };
    }
    return { kind: 'unchanged', credentials, adopted };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    // A 5xx or 429 that outlasted the retries is an outage: fail, and say to try again.
    if (e.status >= 500 || e.status === 429) throw new CliError(`the /bots API is not answering (${e.code}, HTTP ${e.status})`, 'this looks temporary: run cometbot init again in a minute');
    if (e.status !== 404 && e.status !== 403 && e.code !== 'AUTH_ERR_NO_ACCESS') throw e;
    return { kind: 'refused', credentials, code: e.code, status: e.status };
  }
}

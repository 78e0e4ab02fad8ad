// Bots: a user plus a webhook (the /bots management routes, shaped as CometChat's docs describe them).
import type { DomainContext } from './context.js';
import { fail, invalid } from './errors.js';
import type { Bot, GroupChatSetting } from './model.js';

export { GROUP_CHAT_SETTINGS } from '../../core/group-chat-setting.js';
import { GROUP_CHAT_SETTINGS } from '../../core/group-chat-setting.js';

export interface BotFields {
  webhookURL?: string;
  enabled?: boolean;
  groupChatSetting?: GroupChatSetting;
  useBasicAuth?: boolean;
  username?: string;
  password?: string;
}

/** What a test or a seed needs: the user and the bot in one call, enabled, Basic Auth if credentials are given. */
export interface RegisterBot {
  uid: string;
  name?: string;
  webhookURL: string;
  groupChatSetting?: GroupChatSetting;
  username?: string;
  password?: string;
}

export class Bots {
  constructor(private readonly ctx: DomainContext) {}

  private get store() {
    return this.ctx.store;
  }

  private requireApi(): void {
    if (!this.store.botsApi) fail(404, 'ERR_ROUTE_NOT_FOUND', 'The bots API is not available for this app.');
  }

  /** The bot, or undefined: for rules that only ask (the relay, the chat prompt). */
  find(uid: string): Bot | undefined {
    return this.store.bots.get(uid.toLowerCase());
  }

  get(uid: string): Bot {
    this.requireApi();
    return this.find(uid) ?? fail(404, 'ERR_BOT_NOT_FOUND', `The bot ${uid} does not exist.`);
  }

  list(): Bot[] {
    this.requireApi();
    return [...this.store.bots.values()];
  }

  /** A bot is an existing user plus a webhook [S]; credentials are kept only with useBasicAuth on create. */
  create(uid: string, fields: BotFields): Bot {
    this.requireApi();
    const key = uid.toLowerCase();
    if (!this.store.activeUser(key)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${key} does not exist, please create the user first.`);
    if (this.store.bots.has(key)) fail(409, 'ERR_BOT_ALREADY_EXISTS', `The bot ${key} already exists.`);
    const bot: Bot = { uid: key, enabled: false, groupChatSetting: 'none', useBasicAuth: false, createdAt: this.store.now() };
    apply(bot, fields, true);
    this.store.bots.set(key, bot);
    return bot;
  }

  update(uid: string, fields: BotFields): Bot {
    const bot = this.get(uid);
    apply(bot, fields, false);
    bot.updatedAt = this.store.now();
    return bot;
  }

  remove(uid: string): void {
    this.requireApi();
    if (!this.store.bots.delete(uid.toLowerCase())) fail(404, 'ERR_BOT_NOT_FOUND', `The bot ${uid} does not exist.`);
  }

  /** The user (created if missing) and the bot (replaced), enabled and pointed at `webhookURL`. */
  register(options: RegisterBot): Bot {
    const uid = options.uid.toLowerCase();
    if (!this.store.users.has(uid)) this.store.users.set(uid, { uid, name: options.name ?? uid, status: 'available', role: 'default', createdAt: this.store.now() });
    else delete this.store.users.get(uid)!.deactivatedAt;
    const auth = options.username !== undefined ? { useBasicAuth: true, username: options.username, password: options.password ?? '' } : { useBasicAuth: false };
    const bot: Bot = { uid, webhookURL: options.webhookURL, enabled: true, groupChatSetting: options.groupChatSetting ?? 'mentionedMessages', ...auth, createdAt: this.store.now() };
    this.store.bots.set(uid, bot);
    return bot;
  }

  /** The same checks as the REST routes, for a caller that holds a body (the /bots routes). */
  static fields(body: Record<string, unknown>): BotFields {
    const out: BotFields = {};
    const text = (field: 'username' | 'password') => {
      const v = body[field];
      if (v === undefined) return;
      if (typeof v !== 'string' || v.length > 50) invalid(field, `The ${field} must be a string of at most 50 characters.`);
      out[field] = v;
    };
    if (body.webhookURL !== undefined) {
      const v = body.webhookURL;
      if (typeof v !== 'string' || v.length > 255 || !/^https?:\/\//.test(v)) invalid('webhookURL', 'The webhook URL must be a valid URL of at most 255 characters.');
      out.webhookURL = v;
    }
    if (body.groupChatSetting !== undefined) {
      if (!GROUP_CHAT_SETTINGS.includes(body.groupChatSetting as GroupChatSetting)) invalid('groupChatSetting', `Invalid group chat setting (one of ${GROUP_CHAT_SETTINGS.join(', ')}).`);
      out.groupChatSetting = body.groupChatSetting as GroupChatSetting;
    }
    for (const field of ['enabled', 'useBasicAuth'] as const) {
      if (body[field] === undefined) continue;
      if (typeof body[field] !== 'boolean') invalid(field, `${field} must be a boolean.`);
      out[field] = body[field] as boolean;
    }
    text('username');
    text('password');
    return out;
  }
}

function apply(bot: Bot, fields: BotFields, creating: boolean): void {
  const { username, password, ...rest } = fields;
  Object.assign(bot, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
  // On create, credentials are kept only with useBasicAuth (as the docs say); on update, as sent.
  if (!creating || fields.useBasicAuth === true) {
    if (username !== undefined) bot.username = username;
    if (password !== undefined) bot.password = password;
  }
}

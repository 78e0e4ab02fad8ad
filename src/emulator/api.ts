// `cometbot/emulator`: the emulator as a library, for a bot's own test suite (vitest, jest, node:test).
//
//   const emu = await startEmulator();
//   emu.registerBot({ uid: 'my-bot', webhookURL: 'http://127.0.0.1:3000/' });
//   await emu.userSays({ from: 'alice', to: 'my-bot', text: 'hi' });
//   const reply = await emu.nextBotMessage({ timeout: 2000 });
//   await emu.close();
import { Emulator, type BotMessageEvent, type OutboxEntry } from './server.js';
import type { Backend, HistoryQuery } from './backend/index.js';
import type { Json, Message, Scope } from './backend/model.js';
import { messageView } from './views.js';
import { userMessageBody } from '../core/convo/user-message.js';
import type { BotMessage } from '../core/convo/match.js';
import type { GroupChatSetting } from '../core/convo/model.js';

export type { OutboxEntry, Operation } from './server.js';
export type { Backend, HistoryPage, HistoryQuery } from './backend/index.js';
export type { User, Bot, Group, Member, Message, Reaction, Delivery, Fault, Scope } from './backend/model.js';
export { ApiError } from './backend/errors.js';
export type { BotMessage } from '../core/convo/match.js';
export type { GroupChatSetting } from '../core/convo/model.js';

export interface StartEmulatorOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  appId?: string;
  region?: string;
  /** The REST API key the bot must send (default "emulator-key"). */
  apiKey?: string;
  /** Sample users alice, bob, carol and group team (default true). */
  seed?: boolean;
  /** A callback not answered 2xx within this is a failed attempt (default 2000, CometChat's limit). */
  callbackTimeoutMs?: number;
  /** Waits before callback retries (default none: a test redelivers on purpose). */
  retryDelaysMs?: number[];
}

export interface RegisterBotOptions {
  uid: string;
  name?: string;
  webhookURL: string;
  groupChatSetting?: GroupChatSetting;
  /** Basic Auth the callbacks carry (both, or neither). */
  username?: string;
  password?: string;
}

export interface UserSaysOptions {
  from: string;
  /** A user or bot uid (one to one)… */
  to?: string;
  /** …or a group guid. */
  group?: string;
  text?: string;
  mention?: string[];
  metadata?: Record<string, unknown>;
  custom?: { type: string; data: Record<string, unknown> };
  attachment?: { url: string; name?: string; mimeType?: string };
  /** A thread reply to this message id. */
  parentId?: string;
}

export interface UserSaysResult {
  message: Record<string, unknown>;
  /** Each bot the message was relayed to, and how its callback was answered. */
  callbacks: { bot: string; status: number | null; ms: number; error?: string }[];
  /** Bots it was not relayed to, and why (group setting, membership…). */
  notRelayed: { bot: string; reason: string }[];
}

/** Seeds for a bot's own test suite: users, groups with members, and history. */
export interface SeedUser {
  uid: string;
  name?: string;
  metadata?: Record<string, unknown>;
  role?: string;
  tags?: string[];
}

export interface SeedGroup {
  guid: string;
  name?: string;
  type?: 'public' | 'private' | 'password';
  owner?: string;
  admins?: string[];
  moderators?: string[];
  participants?: string[];
}

/** A message already in history (not relayed to any bot): what a bot reads back for context. */
export interface SeedMessage {
  from: string;
  to?: string;
  group?: string;
  text?: string;
  custom?: { type: string; data: Record<string, unknown> };
  parentId?: string;
  metadata?: Record<string, unknown>;
}

export interface EmulatorHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The REST base URL for the bot: http://127.0.0.1:PORT/v3 */
  apiUrl: string;
  appId: string;
  region: string;
  apiKey: string;
  registerBot(bot: RegisterBotOptions): void;
  /** Sends a user's message and resolves once every callback it caused was answered (or timed out). */
  userSays(message: UserSaysOptions): Promise<UserSaysResult>;
  /** The next message the bot sent that was not yet returned; rejects after `timeout` ms (default 5000). */
  nextBotMessage(options?: { timeout?: number }): Promise<BotMessage>;
  /** Every REST call made to the emulator, refused ones included. */
  outbox(): OutboxEntry[];
  /** Users (created, or updated when they exist). */
  seedUsers(users: SeedUser[]): void;
  /** Groups with their members by scope (created; members added when the group exists). */
  seedGroups(groups: SeedGroup[]): void;
  /** Messages stored as history without reaching any bot; resolves with them as CometChat returns them. */
  seedHistory(messages: SeedMessage[]): Record<string, unknown>[];
  /** A conversation's history, as `GET /users/{uid}/messages` or `/groups/{guid}/messages` would page it. */
  history(query: HistoryQuery): Record<string, unknown>[];
  /** The whole domain API (users, groups, messages, conversations, roles, faults…), typed. */
  backend: Backend;
  /** The REST operations the emulator serves (method, path, operationId). */
  operations(): { method: string; path: string; operationId: string }[];
  /** Back to the seed state; bots must be registered again. */
  reset(): void;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = new Emulator({
    port: options.port ?? 0,
    appId: options.appId,
    region: options.region,
    apiKey: options.apiKey,
    seed: options.seed,
    callbackTimeoutMs: options.callbackTimeoutMs,
    retryDelaysMs: options.retryDelaysMs ?? [],
  });
  await emulator.start();
  const inbox: BotMessage[] = [];
  const waiting: ((m: BotMessage) => void)[] = [];
  emulator.on('bot-message', (e: BotMessageEvent) => {
    const message = e.message as unknown as BotMessage;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });

  return {
    url: emulator.url,
    apiUrl: emulator.baseUrl,
    appId: emulator.appId,
    region: emulator.region,
    apiKey: emulator.apiKey,
    registerBot(bot) {
      emulator.backend.registerBot(bot);
    },
    seedUsers(users) {
      for (const u of users) {
        const existing = emulator.backend.findUser(u.uid);
        const fields = { ...(u.metadata ? { metadata: u.metadata } : {}), ...(u.role ? { role: u.role } : {}), ...(u.tags ? { tags: u.tags } : {}) };
        if (existing) emulator.backend.users.update(u.uid, { ...(u.name ? { name: u.name } : {}), ...fields });
        else emulator.backend.users.create({ uid: u.uid, name: u.name ?? u.uid, ...fields });
      }
    },
    seedGroups(groups) {
      const { groups: domain } = emulator.backend;
      for (const g of groups) {
        if (!domain.find(g.guid)) domain.create({ guid: g.guid, name: g.name ?? g.guid, type: g.type ?? 'public', ...(g.type === 'password' ? { password: 'cometbot' } : {}), ...(g.owner ? { owner: g.owner } : {}) });
        const scoped: [string[] | undefined, Scope][] = [[g.admins, 'admin'], [g.moderators, 'moderator'], [g.participants, 'participant']];
        for (const [uids, scope] of scoped) {
          for (const uid of uids ?? []) {
            try {
              domain.seedMember(g.guid, uid, scope);
            } catch (e) {
              throw new Error(`seedGroups: ${uid} in ${g.guid}: ${(e as { code?: string }).code ?? (e as Error).message}`);
            }
          }
        }
      }
    },
    seedHistory(messages) {
      return messages.map((m) => {
        const body: Json = m.custom
          ? { receiver: m.group ?? m.to, receiverType: m.group ? 'group' : 'user', category: 'custom', type: m.custom.type, data: { customData: m.custom.data, ...(m.metadata ? { metadata: m.metadata } : {}) } }
          : { receiver: m.group ?? m.to, receiverType: m.group ? 'group' : 'user', category: 'message', type: 'text', data: { text: m.text ?? '', ...(m.metadata ? { metadata: m.metadata } : {}) } };
        // Stored as the emulator's own (system) traffic: history only, no callback.
        const stored: Message = emulator.backend.messages.send(m.from, body, { via: 'system', ...(m.parentId ? { parentId: m.parentId } : {}) });
        return messageView(stored);
      });
    },
    history: (query) => emulator.backend.history(query).messages.map((m: Message) => messageView(m, query.viewer)),
    backend: emulator.backend,
    operations: () => emulator.operations(),
    async userSays(m) {
      const from = m.from.toLowerCase();
      const target = m.group ?? m.to;
      if (!target) throw new TypeError('userSays needs `to` (a uid) or `group` (a guid)');
      const body = userMessageBody(
        {
          kind: 'user',
          pos: { line: 0, column: 0 },
          as: from,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.group ? { group: m.group.toLowerCase() } : {}),
          mention: (m.mention ?? []).map((u) => u.toLowerCase()),
          ...(m.custom ? { custom: m.custom } : {}),
          ...(m.metadata ? { metadata: m.metadata } : {}),
          ...(m.attachment ? { attachment: { url: m.attachment.url, name: m.attachment.name ?? m.attachment.url.split('/').pop() ?? 'file', mimeType: m.attachment.mimeType ?? 'application/octet-stream' } } : {}),
        },
        (m.to ?? '').toLowerCase(),
        (uid) => emulator.entityOf(uid),
      );
      const result = emulator.userMessage(from, body as unknown as Record<string, unknown>, m.parentId);
      const callbacks = await Promise.all(
        result.deliveries.map(async (d) => {
          const attempt = await emulator.nextAttempt(d);
          return { bot: d.bot, status: attempt.status ?? null, ms: attempt.ms, ...(attempt.error ? { error: attempt.error } : {}) };
        }),
      );
      return { message: result.message, callbacks, notRelayed: result.skipped };
    },
    nextBotMessage({ timeout = 5_000 } = {}) {
      const ready = inbox.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<BotMessage>((resolve, reject) => {
        const take = (message: BotMessage) => {
          clearTimeout(timer);
          resolve(message);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(new Error(`no bot message within ${timeout} ms`));
        }, timeout);
        waiting.push(take);
      });
    },
    outbox: () => [...emulator.outbox],
    reset() {
      emulator.reset();
      inbox.length = 0;
    },
    close: () => emulator.close(),
  };
}

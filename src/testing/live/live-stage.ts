// A real CometChat app as a test stage (`cometbot test --live`), through its public REST API only:
// before the first case the bot is checked, the file's users are ensured (prefixed) and its groups
// made for this run; a user step is POST /messages on behalf of the user; the bot's replies are read
// from the conversation's history, polled, and attributed to the latest user message before them.
import { EventEmitter } from 'node:events';
import type { CometChatClient } from '../../adapters/cometchat-client.js';
import type { BotMessageEvent } from '../../emulator/server.js';
import type { Delivery, DeliveryAttempt } from '../../emulator/backend/index.js';
import type { ConvoCase, ConvoFile, UserStep } from '../../core/convo/model.js';
import type { UserMessageBody } from '../../core/convo/user-message.js';
import { CliError, isCliError } from '../../errors.js';
import type { Stage, StageEvents, Sent } from '../stage.js';
import { LiveNames, groupsOf, usersOf, type LiveGroup } from './names.js';

export interface LiveTarget {
  appId: string;
  region: string;
  /** The REST base URL (https://APP.api-REGION.cometchat.io/v3, or COMETBOT_API_URL). */
  baseUrl: string;
  client: CometChatClient;
  /** Prepended to the file's uids on the wire (`cbt-`). */
  prefix: string;
  /** Names this run's groups (`cbt-<run id>-support`). */
  runId: string;
  /** Keep the groups this run made (they are deleted at the end otherwise). */
  keep: boolean;
  /** How often the conversations are read for the bot's replies (250 ms). */
  pollMs?: number;
  /** What the stage did or found, for the person running it (users made, groups made and deleted…). */
  onNote?: (line: string) => void;
}

type Json = Record<string, unknown>;

/** A conversation being read for the bot's replies. */
interface Watch {
  /** GET path of its history, relative to the base URL. */
  path: string;
  /** The user it is read on behalf of. */
  viewer: string;
  /** The newest message id read. */
  cursor: number;
  /** The user messages sent into it, oldest first: a reply belongs to the latest one before it. */
  sent: { id: number; trackId: number }[];
}

const MAX_TRACKED = 200;

export class LiveStage extends EventEmitter<StageEvents> implements Stage {
  readonly live: string;
  readonly apiUrl: string;
  private readonly names: LiveNames;
  private readonly client: CometChatClient;
  private readonly groups: LiveGroup[];
  private readonly made: string[] = [];
  private readonly watches = new Map<string, Watch>();
  private nextTrack = 0;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private closing?: Promise<void>;
  private broken = false;

  constructor(
    private readonly target: LiveTarget,
    private readonly files: readonly ConvoFile[],
  ) {
    super();
    this.live = `${target.appId}/${target.region}`;
    this.apiUrl = target.baseUrl;
    this.client = target.client;
    this.names = new LiveNames(target.prefix, target.runId, files[0]!.bot);
    this.groups = groupsOf(files);
  }

  /** Before the first case: the bot must be there, enabled and pointed somewhere; users and groups are made. */
  async prepare(signal: AbortSignal): Promise<void> {
    const bot = this.names.bot;
    await this.checkBot(bot);
    const users = usersOf(this.files, this.groups);
    for (const [uid, name] of users) {
      if (signal.aborted) return;
      await this.ensureUser(this.names.user(uid), name);
    }
    for (const g of this.groups) {
      if (signal.aborted) return;
      const guid = this.names.group(g.guid);
      const participants = [...g.members.map((m) => this.names.user(m)), ...(g.bot ? [bot] : [])];
      await this.client.call('POST', 'groups', { guid, name: `${g.name} (cometbot ${this.target.runId})`, type: 'private', members: { participants } });
      this.made.push(guid);
    }
    if (this.made.length) this.target.onNote?.(`made group${this.made.length > 1 ? 's' : ''} ${this.made.join(', ')} for this run`);
  }

  private async checkBot(uid: string): Promise<void> {
    const app = this.live;
    let found: Json;
    try {
      found = await this.client.call<Json>('GET', `bots/${encodeURIComponent(uid)}`);
    } catch (e) {
      if (apiStatus(e) === 404) throw new CliError(`the bot ${uid} does not exist in app ${app} (${(e as { code?: string }).code})`, `register it with cometbot init --uid ${uid}, or fix bot: in the conversation file`);
      throw e;
    }
    if (found.enabled !== true) throw new CliError(`the bot ${uid} is disabled in app ${app}: CometChat relays nothing to it`, 'enable it (Dashboard → Bots, or PUT /bots/{uid} {"enabled":true}) and run again');
    if (typeof found.webhookURL !== 'string' || !found.webhookURL) throw new CliError(`the bot ${uid} has no webhook URL in app ${app}: CometChat has nowhere to relay messages`, "set it to your deployed bot's URL (Dashboard → Bots), or run cometbot listen --forward-to URL");
    const setting = this.files[0]!.groupChatSetting;
    if (typeof found.groupChatSetting === 'string' && found.groupChatSetting !== setting && this.groups.length > 0) {
      this.target.onNote?.(`warning: the bot's groupChatSetting is ${found.groupChatSetting} in app ${app}, the file says ${setting}: group cases run with the app's`);
    }
  }

  private async ensureUser(uid: string, name: string): Promise<void> {
    try {
      await this.client.call('GET', `users/${encodeURIComponent(uid)}`);
      return;
    } catch (e) {
      if (apiStatus(e) !== 404) throw e;
    }
    await this.client.call('POST', 'users', { uid, name });
    this.target.onNote?.(`made user ${uid} (kept for later runs)`);
  }

  /** A real app keeps its history: each case reads only what comes after its own messages. */
  setUp(_file: ConvoFile, _c: ConvoCase): void {}

  entityOf(uid: string): Record<string, unknown> {
    return { uid: this.names.user(uid), name: uid };
  }

  async send(_file: ConvoFile, step: UserStep, body: UserMessageBody, parentId?: string): Promise<Sent> {
    const sender = this.names.user(step.as);
    const group = body.receiverType === 'group' ? this.names.group(body.receiver) : undefined;
    const data: Json = { ...body.data };
    if (typeof data.text === 'string') data.text = this.names.mentions(data.text);
    delete data.mentions; // CometChat reads mentions from the text itself
    const wire = { receiver: group ?? this.names.bot, receiverType: body.receiverType, category: body.category, type: body.type, data };
    const headers = { onBehalfOf: sender };
    const message = parentId
      ? await this.client.call<Json>('POST', `messages/${encodeURIComponent(parentId)}/thread`, wire, { headers })
      : await this.client.call<Json>('POST', 'messages', wire, { headers });
    const id = Number(message.id);
    const trackId = ++this.nextTrack;
    const key = group ? `group:${group}` : `user:${sender}`;
    const watch = this.watches.get(key) ?? { path: group ? `groups/${encodeURIComponent(group)}/messages` : `users/${encodeURIComponent(this.names.bot)}/messages`, viewer: sender, cursor: id, sent: [] };
    watch.viewer = sender;
    watch.sent.push({ id, trackId });
    if (watch.sent.length > MAX_TRACKED) watch.sent.shift();
    this.watches.set(key, watch);
    this.schedule();
    return { deliveries: [], trackId };
  }

  private schedule(): void {
    if (this.timer || this.closing || this.broken) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        this.schedule();
      });
    }, this.target.pollMs ?? 250);
  }

  /** Reads every watched conversation after its cursor; the bot's messages are handed on, in order. */
  private async pollOnce(): Promise<void> {
    for (const watch of this.watches.values()) {
      if (this.closing || this.broken) return;
      let page: Json[];
      try {
        page = await this.client.call<Json[]>('GET', `${watch.path}?id=${watch.cursor}&affix=append&limit=100`, undefined, { headers: { onBehalfOf: watch.viewer } });
      } catch (e) {
        this.broken = true;
        this.emit('broken', `cannot read the conversation's history from ${this.client.host}: ${(e as Error).message}`);
        return;
      }
      for (const message of Array.isArray(page) ? page : []) {
        const id = Number(message.id);
        if (!(id > watch.cursor)) continue;
        watch.cursor = id;
        if (String(message.sender).toLowerCase() !== this.names.bot.toLowerCase() || message.category === 'action') continue;
        const owner = [...watch.sent].reverse().find((s) => s.id < id);
        const event: BotMessageEvent = { message: this.asFileNames(message), ...(owner ? { callbackId: owner.trackId } : {}) };
        this.emit('bot-message', event);
      }
    }
  }

  /** The bot's message as the file names things (its receiver back to `alice` or `support`). */
  private asFileNames(message: Json): Json {
    const receiver = String(message.receiver ?? '');
    return { ...message, receiver: message.receiverType === 'group' ? this.names.fileGroup(receiver) : this.names.fileUser(receiver) };
  }

  nextAttempt(_delivery: Delivery): Promise<DeliveryAttempt> {
    throw new Error('a real app shows no callback attempts');
  }

  redeliver(_delivery: Delivery): Delivery | undefined {
    throw new Error('only the emulator delivers a callback again');
  }

  injectFault(): void {
    throw new Error('only the emulator injects faults');
  }

  /** Stops reading and deletes the groups this run made (unless kept); users stay for the next run. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      await this.polling;
      if (this.target.keep) {
        if (this.made.length) this.target.onNote?.(`kept group${this.made.length > 1 ? 's' : ''} ${this.made.join(', ')} (--keep)`);
        return;
      }
      for (const guid of this.made) {
        try {
          await this.client.call('DELETE', `groups/${encodeURIComponent(guid)}`);
        } catch (e) {
          this.target.onNote?.(`warning: could not delete group ${guid}: ${(e as Error).message}`);
        }
      }
      if (this.made.length) this.target.onNote?.(`deleted group${this.made.length > 1 ? 's' : ''} ${this.made.join(', ')}`);
    })();
    return this.closing;
  }
}

/**
 * The HTTP status of CometChat's refusal. The client may come from another bundle than this module, with
 * its own copy of the error classes, so the error is recognised by its mark, never by instanceof.
 */
function apiStatus(e: unknown): number | undefined {
  const status = isCliError(e) ? (e as unknown as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}

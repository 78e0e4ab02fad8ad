// Relays user messages to bots' webhook URLs the way CometChat does, with its generic retry schedule.
import { EventEmitter } from 'node:events';
import { signedPost } from '../adapters/signed-post.js';
import { LOG_LIMIT, pushBounded } from '../core/bounded.js';
import { wrapCallback } from '../core/payloads.js';
import type { Bot, Delivery, DeliveryAttempt, Message } from './backend/model.js';
import type { Store } from './backend/store.js';
import { messageView } from './views.js';

export interface RelayOptions {
  appId: string;
  region: string;
  /** A callback that does not answer 2xx within this is a failed attempt (CometChat's generic webhooks: 2 s). */
  timeoutMs: number;
  /** Waits before the 2nd, 3rd… attempts (generic webhooks: 10 s, 30 s). */
  retryDelaysMs: number[];
}

export const DEFAULT_RELAY: Omit<RelayOptions, 'appId' | 'region'> = { timeoutMs: 2_000, retryDelaysMs: [10_000, 30_000] };

export interface RelayEvents {
  /** A delivery attempt finished (answered, failed or timed out). */
  delivery: [Delivery];
}

export interface RelayDecision {
  bots: Bot[];
  /** Bots that could have received the message, and why CometChat would not relay it to them. */
  skipped: { bot: string; reason: string }[];
}

/** Which bots a message reaches, and why the others do not. Pure so the groupChatSetting rules are easy to test. */
export function relayDecision(message: Message, state: Store): RelayDecision {
  const decision: RelayDecision = { bots: [], skipped: [] };
  if (message.via !== 'user') return decision; // bot replies are never relayed back to bots
  const consider = (bot: Bot, why?: string) => {
    const reason = why ?? (!bot.enabled ? `bot ${bot.uid} is disabled` : !bot.webhookURL ? `bot ${bot.uid} has no webhook URL` : undefined);
    if (reason) decision.skipped.push({ bot: bot.uid, reason });
    else decision.bots.push(bot);
  };
  if (message.receiverType === 'user') {
    const bot = state.bots.get(message.receiver);
    if (bot && bot.uid !== message.sender) consider(bot);
    return decision;
  }
  const group = state.groups.get(message.receiver);
  if (!group) return decision;
  const text = typeof message.data.text === 'string' ? message.data.text : '';
  for (const bot of state.bots.values()) {
    if (bot.uid === message.sender) continue;
    if (!group.members.has(bot.uid)) decision.skipped.push({ bot: bot.uid, reason: `bot ${bot.uid} is not a member of group ${group.guid}` });
    else consider(bot, groupSettingRefusal(bot, text));
  }
  return decision;
}

/**
 * Which bots hear of an edit, delete or reaction of `target` by `by`: the bots that could see the
 * message (party to the chat, or members of the group whose setting let the message through) [I].
 */
export function changeDecision(target: Message, by: string, state: Store): RelayDecision {
  const decision: RelayDecision = { bots: [], skipped: [] };
  const consider = (bot: Bot) => {
    if (bot.uid === by) return;
    const reason = !bot.enabled ? `bot ${bot.uid} is disabled` : !bot.webhookURL ? `bot ${bot.uid} has no webhook URL` : undefined;
    if (reason) decision.skipped.push({ bot: bot.uid, reason });
    else decision.bots.push(bot);
  };
  if (target.receiverType === 'user') {
    for (const uid of new Set([target.sender, target.receiver])) {
      const bot = state.bots.get(uid);
      if (bot) consider(bot);
    }
    return decision;
  }
  const group = state.groups.get(target.receiver);
  const text = typeof target.data.text === 'string' ? target.data.text : '';
  for (const bot of state.bots.values()) {
    if (group?.members.has(bot.uid) && (bot.uid === target.sender || passesGroupSetting(bot, text))) consider(bot);
  }
  return decision;
}

/** Why a group message does not pass the bot's groupChatSetting, or undefined when it does. */
export function groupSettingRefusal(bot: Pick<Bot, 'uid' | 'groupChatSetting'>, text: string): string | undefined {
  if (passesGroupSetting(bot, text)) return undefined;
  switch (bot.groupChatSetting) {
    case 'slashedMessages':
      return `bot ${bot.uid} has groupChatSetting slashedMessages and the text does not start with /`;
    case 'mentionedMessages':
      return `bot ${bot.uid} has groupChatSetting mentionedMessages and the message does not mention <@uid:${bot.uid}>`;
    default:
      return `bot ${bot.uid} has groupChatSetting ${bot.groupChatSetting}: it receives no group messages`;
  }
}

export function passesGroupSetting(bot: Pick<Bot, 'uid' | 'groupChatSetting'>, text: string): boolean {
  switch (bot.groupChatSetting) {
    case 'allMessages':
      return true;
    case 'slashedMessages':
      return text.trimStart().startsWith('/');
    case 'mentionedMessages':
      return text.includes(`<@uid:${bot.uid}>`);
    default:
      return false;
  }
}

/** The callback CometChat POSTs for a message: the same builder `cometbot trigger` uses (core/payloads). */
export function callbackPayload(message: Message, bot: Bot, opts: Pick<RelayOptions, 'appId' | 'region'>): Record<string, unknown> {
  return wrapCallback(messageView(message), 'bot', { appId: opts.appId, region: opts.region, bot: bot.uid });
}

export class Relay extends EventEmitter<RelayEvents> {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The callback body of each recent delivery, for a redelivery (same data.id). */
  private readonly bodies = new Map<number, { bot: Bot; body: string }>();
  private readonly waiters = new Map<number, ((attempt: DeliveryAttempt) => void)[]>();
  private closed = false;

  constructor(
    private readonly state: Store,
    /** Mutable: a test run sets the callback timeout per case and turns automatic retries off. */
    readonly opts: RelayOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  relay(message: Message, decision: RelayDecision = relayDecision(message, this.state)): Delivery[] {
    return decision.bots.map((bot) => this.start(message.id, bot, JSON.stringify(callbackPayload(message, bot, this.opts))));
  }

  /** CometChat's retry of a callback: the same body (same data.id) delivered again, as a new delivery. */
  redeliver(previous: Delivery): Delivery | undefined {
    const kept = this.bodies.get(previous.id);
    return kept ? this.start(previous.messageId, kept.bot, kept.body, previous.id) : undefined;
  }

  /** Resolves with the delivery's next finished attempt. */
  nextAttempt(delivery: Delivery): Promise<DeliveryAttempt> {
    return new Promise((resolve) => {
      const list = this.waiters.get(delivery.id) ?? [];
      list.push(resolve);
      this.waiters.set(delivery.id, list);
    });
  }

  private start(messageId: string, bot: Bot, body: string, redeliveryOf?: number): Delivery {
    const delivery: Delivery = { id: this.state.deliveryId(), messageId, bot: bot.uid, url: bot.webhookURL!, state: 'pending', attempts: [], ...(redeliveryOf !== undefined ? { redeliveryOf } : {}) };
    pushBounded(this.state.deliveries, delivery);
    this.bodies.set(delivery.id, { bot, body });
    if (this.bodies.size > LOG_LIMIT) this.bodies.delete(this.bodies.keys().next().value!);
    this.attempt(delivery, bot, body);
    return delivery;
  }

  private attempt(delivery: Delivery, bot: Bot, body: string): void {
    if (this.closed) return;
    const auth = bot.useBasicAuth && bot.username !== undefined ? { username: bot.username, password: bot.password ?? '' } : undefined;
    const run = signedPost({ url: delivery.url, body, auth, userAgent: 'cometbot-emulator', timeoutMs: this.opts.timeoutMs }).then(({ status, ms, error }) => {
      const attempt: DeliveryAttempt = { at: this.clock().toISOString(), ...(status !== null ? { status } : { error: error ?? 'no answer' }), ms };
      delivery.attempts.push(attempt);
      const ok = status !== null && status >= 200 && status < 300;
      const next = this.opts.retryDelaysMs[delivery.attempts.length - 1];
      if (ok) delivery.state = 'delivered';
      else if (next === undefined || this.closed) delivery.state = 'failed';
      else {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.attempt(delivery, bot, body);
        }, next);
        this.timers.add(timer);
      }
      const waiting = this.waiters.get(delivery.id);
      this.waiters.delete(delivery.id);
      for (const resolve of waiting ?? []) resolve(attempt);
      this.emit('delivery', delivery);
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Drops scheduled retries (a reset): attempts in flight still finish. */
  cancelRetries(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Resolves when no attempt is in flight and no retry is scheduled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelRetries();
    await Promise.all([...this.inFlight]);
  }
}

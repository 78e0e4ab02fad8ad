// Relays user messages to bots' webhook URLs the way CometChat does, with its generic retry schedule.
import { EventEmitter } from 'node:events';
import { signedPost } from '../adapters/signed-post.js';
import type { Bot, Delivery, EmulatorState, Message, User } from './state.js';

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
  delivery: [Delivery];
}

/** Which bots a message reaches. Pure so the groupChatSetting rules are easy to test. */
export function botsToNotify(message: Message, state: EmulatorState): Bot[] {
  if (message.via !== 'user') return []; // bot replies are never relayed back to bots
  const eligible = (bot: Bot | undefined): bot is Bot => Boolean(bot && bot.enabled && bot.webhookURL && bot.uid !== message.sender);
  if (message.receiverType === 'user') {
    const bot = state.bots.get(message.receiver);
    return eligible(bot) ? [bot] : [];
  }
  const group = state.groups.get(message.receiver);
  if (!group) return [];
  const text = typeof message.data.text === 'string' ? message.data.text : '';
  return [...group.members]
    .map((uid) => state.bots.get(uid))
    .filter(eligible)
    .filter((bot) => passesGroupSetting(bot, text));
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

export function callbackPayload(message: Message, bot: Bot, opts: Pick<RelayOptions, 'appId' | 'region'>): Record<string, unknown> {
  return {
    trigger: 'after_message',
    data: publicMessage(message),
    appId: opts.appId,
    region: opts.region,
    origin: { platform: 'REST_API', language: 'http', resource: 'cometbot-emulator' },
    chatAPIVersion: '3.0',
    bot: bot.uid,
  };
}

/** The message as CometChat returns it: bookkeeping fields stripped. */
export function publicMessage(message: Message): Record<string, unknown> {
  const { via: _via, ...rest } = message;
  return rest;
}

export function userEntity(user: User | undefined, uid: string): Record<string, unknown> {
  return user
    ? { uid: user.uid, name: user.name, ...(user.avatar ? { avatar: user.avatar } : {}), status: user.status, role: user.role, lastActiveAt: user.createdAt }
    : { uid, name: uid, status: 'offline', role: 'default' };
}

export class Relay extends EventEmitter<RelayEvents> {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly opts: RelayOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  relay(message: Message): Delivery[] {
    return botsToNotify(message, this.state).map((bot) => {
      const delivery: Delivery = { id: this.state.deliveryId(), messageId: message.id, bot: bot.uid, url: bot.webhookURL!, state: 'pending', attempts: [] };
      this.state.deliveries.push(delivery);
      this.attempt(delivery, bot, JSON.stringify(callbackPayload(message, bot, this.opts)));
      return delivery;
    });
  }

  private attempt(delivery: Delivery, bot: Bot, body: string): void {
    if (this.closed) return;
    const auth = bot.useBasicAuth && bot.username !== undefined ? { username: bot.username, password: bot.password ?? '' } : undefined;
    const run = signedPost({ url: delivery.url, body, auth, userAgent: 'cometbot-emulator', timeoutMs: this.opts.timeoutMs })
      .then(({ status, ms, error }) => {
        const result = status !== null ? { status } : { error: error ?? 'no answer' };
        delivery.attempts.push({ at: this.clock().toISOString(), ...result, ms });
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
        this.emit('delivery', delivery);
      });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Resolves when no attempt is in flight and no retry is scheduled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }
}

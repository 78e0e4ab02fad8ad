// Which callback a bot's reply answers: the latest callback delivered to that bot in that conversation.
// Also gathers a turn (a relayed message, its ack and its replies) for `emulate --json`.
import { EventEmitter } from 'node:events';
import type { Delivery } from './backend/model.js';
import { conversationId } from './backend/store.js';
import type { Relay } from './relay.js';

/** One relayed message and what came of it: emitted once replies came (the next callback) or 5 s passed. */
export interface TurnEvent {
  callbackId: number;
  messageId: string;
  to: string;
  status: number | null;
  ackMs: number | null;
  error?: string;
  replies: { id: string; ms: number }[];
}

/** How long a turn waits for replies before it is reported (the NDJSON `turn` event). */
const TURN_WINDOW_MS = 5_000;

interface OpenTurn {
  turn: TurnEvent;
  started: number;
  timer: NodeJS.Timeout;
}

/**
 * Which callback a bot's message answers. In order: the open callback of its conversation; else the
 * bot's oldest open callback that has no reply yet (a reply sent elsewhere, e.g. privately after a
 * group message); else it answers no open callback, and `lateOf` names the closed one it most likely
 * answers: the last of its conversation, or, when the bot has no open callback at all, its last one.
 */
export interface Resolution {
  callbackId?: number;
  lateOf?: number;
}

/** Closed callbacks remembered for late replies (per bot and conversation). */
const CLOSED_LIMIT = 1_000;

export class CallbackLinks extends EventEmitter<{ turn: [TurnEvent] }> {
  private readonly open = new Map<string, number>();
  /** Replies linked so far, per open callback. */
  private readonly replies = new Map<number, number>();
  private readonly closed = new Map<string, number>();
  private readonly lastClosedOfBot = new Map<string, number>();
  private readonly turns = new Map<number, OpenTurn>();

  constructor(private readonly relay: Relay) {
    super();
  }

  /** A callback now in flight in `conversation`: replies the bot sends there answer it. */
  opened(delivery: Delivery, conversation: string): void {
    const key = `${delivery.bot}|${conversation}`;
    const previous = this.open.get(key);
    if (previous !== undefined) {
      this.endTurn(previous);
      this.replies.delete(previous);
    }
    this.open.set(key, delivery.id);
    this.replies.set(delivery.id, 0);
    if (this.listenerCount('turn') === 0) return; // nobody reports turns: no timers
    const turn: TurnEvent = { callbackId: delivery.id, messageId: delivery.messageId, to: delivery.bot, status: null, ackMs: null, replies: [] };
    const timer = setTimeout(() => this.endTurn(delivery.id), TURN_WINDOW_MS);
    timer.unref();
    this.turns.set(delivery.id, { turn, started: performance.now(), timer });
    void this.relay.nextAttempt(delivery).then((attempt) => {
      turn.status = attempt.status ?? null;
      turn.ackMs = attempt.ms;
      if (attempt.error) turn.error = attempt.error;
    });
  }

  /** The callback a message from `bot` to this receiver answers (see Resolution). */
  resolve(bot: string, receiver: string, receiverType: 'user' | 'group'): Resolution {
    const key = `${bot}|${conversationId(bot, receiver.toLowerCase(), receiverType)}`;
    const here = this.open.get(key);
    if (here !== undefined) return { callbackId: here };
    let oldestUnanswered: number | undefined;
    let anyOpen = false;
    for (const [k, id] of this.open) {
      if (!k.startsWith(`${bot}|`)) continue;
      anyOpen = true;
      if (this.replies.get(id) === 0 && (oldestUnanswered === undefined || id < oldestUnanswered)) oldestUnanswered = id;
    }
    if (oldestUnanswered !== undefined) return { callbackId: oldestUnanswered };
    const lateOf = this.closed.get(key) ?? (anyOpen ? undefined : this.lastClosedOfBot.get(bot));
    return lateOf !== undefined ? { lateOf } : {};
  }

  /** A reply was stored: it counts toward its callback (and its turn). */
  replied(callbackId: number, messageId: string): void {
    if (this.replies.has(callbackId)) this.replies.set(callbackId, this.replies.get(callbackId)! + 1);
    const open = this.turns.get(callbackId);
    if (open) open.turn.replies.push({ id: messageId, ms: Math.round(performance.now() - open.started) });
  }

  /**
   * Every open callback becomes closed (a reset, a new test case): later messages no longer answer
   * them, but are known as late replies to them. On close, open turns are reported as they stand.
   */
  clear(report: boolean): void {
    for (const [id, open] of [...this.turns]) {
      if (report) this.endTurn(id);
      else clearTimeout(open.timer);
    }
    this.turns.clear();
    for (const [key, id] of this.open) {
      this.closed.delete(key);
      this.closed.set(key, id);
      const bot = key.slice(0, key.indexOf('|'));
      this.lastClosedOfBot.set(bot, Math.max(id, this.lastClosedOfBot.get(bot) ?? 0));
    }
    while (this.closed.size > CLOSED_LIMIT) this.closed.delete(this.closed.keys().next().value!);
    this.open.clear();
    this.replies.clear();
  }

  private endTurn(callbackId: number): void {
    const open = this.turns.get(callbackId);
    if (!open) return;
    clearTimeout(open.timer);
    this.turns.delete(callbackId);
    this.emit('turn', open.turn);
  }
}

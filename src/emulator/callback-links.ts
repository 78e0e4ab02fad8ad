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

export class CallbackLinks extends EventEmitter<{ turn: [TurnEvent] }> {
  private readonly open = new Map<string, number>();
  private readonly turns = new Map<number, OpenTurn>();

  constructor(private readonly relay: Relay) {
    super();
  }

  /** A callback now in flight in `conversation`: replies the bot sends there answer it. */
  opened(delivery: Delivery, conversation: string): void {
    const key = `${delivery.bot}|${conversation}`;
    const previous = this.open.get(key);
    if (previous !== undefined) this.endTurn(previous);
    this.open.set(key, delivery.id);
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

  /** The callback a message from `bot` to this receiver answers, if one is open. */
  answering(bot: string, receiver: string, receiverType: 'user' | 'group'): number | undefined {
    return this.open.get(`${bot}|${conversationId(bot, receiver.toLowerCase(), receiverType)}`);
  }

  /** A reply was stored: it counts toward its callback's turn. */
  replied(callbackId: number, messageId: string): void {
    const open = this.turns.get(callbackId);
    if (open) open.turn.replies.push({ id: messageId, ms: Math.round(performance.now() - open.started) });
  }

  /** Forget every link: on close open turns are reported as they stand (`report`), on a reset dropped. */
  clear(report: boolean): void {
    for (const [id, open] of [...this.turns]) {
      if (report) this.endTurn(id);
      else clearTimeout(open.timer);
    }
    this.turns.clear();
    this.open.clear();
  }

  private endTurn(callbackId: number): void {
    const open = this.turns.get(callbackId);
    if (!open) return;
    clearTimeout(open.timer);
    this.turns.delete(callbackId);
    this.emit('turn', open.turn);
  }
}

// Every REST call a client made, refused ones included: what `GET /_emulator/outbox` lists. Bounded.
import { pushBounded } from '../core/bounded.js';

export interface OutboxEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  /** Request headers, apikey redacted. */
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  errorCode?: string;
  /** CometChat's error message, for a refused call. */
  errorMessage?: string;
  ms: number;
  /** The callback (delivery id) this call answers: the open callback of the bot's conversation. */
  callbackId?: number;
  /** The message the call created, if any. */
  messageId?: string;
  /** The CometChat host the bot called (its call was routed here), e.g. myapp.api-eu.cometchat.io. */
  host?: string;
  /** The refusal was asked for by a fault (a test's fault step): expected, not a bot error. */
  injected?: boolean;
  /** Something CometChat might accept but a bot should not do (a bot messaging itself). */
  warning?: string;
  /** The OpenAPI operation the call reached, when it reached one. */
  operationId?: string;
}

export class Outbox {
  readonly entries: OutboxEntry[] = [];
  private nextSeq = 1;

  add(entry: Omit<OutboxEntry, 'seq'>): OutboxEntry {
    const call = { seq: this.nextSeq++, ...entry };
    pushBounded(this.entries, call);
    return call;
  }

  since(seq: number): OutboxEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  last(): number {
    return this.nextSeq - 1;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

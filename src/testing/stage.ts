// Where a test case plays: the emulator this run started, or a real CometChat app (`test --live`). The
// case runner sends user messages, awaits callbacks and takes the bot's messages through this, and
// never knows which one it has.
import { EventEmitter } from 'node:events';
import type { BotMessageEvent, Emulator, OutboxEntry } from '../emulator/server.js';
import type { Delivery, DeliveryAttempt } from '../emulator/backend/index.js';
import type { Credentials } from '../core/basic-auth.js';
import type { ConvoCase, ConvoFile, FaultStep, UserStep } from '../core/convo/model.js';
import type { UserMessageBody } from '../core/convo/user-message.js';

/** What sending a user's message caused. */
export interface Sent {
  /** The callbacks it caused to the file's bot, each to be answered within ackWithin (the emulator). */
  deliveries: Delivery[];
  /** Why the file's bot does not receive it, when nothing was relayed and that is known. */
  unrelayed?: string;
  /** A real app: no callback can be seen, so the bot's replies are attributed to this id instead. */
  trackId?: number;
}

export interface StageEvents {
  /** A message the bot sent, with the callback (or tracked user message) it answers. */
  'bot-message': [BotMessageEvent];
  /** A REST call the bot made (only the emulator sees them). */
  'rest-call': [OutboxEntry];
  /** The stage cannot go on (a real app stopped answering): the case in progress fails, the run stops. */
  broken: [string];
}

export interface Stage extends EventEmitter<StageEvents> {
  /** `live: APP/REGION` for a real app; undefined for the emulator. */
  readonly live?: string;
  /** The REST base URL shown at the start of the run. */
  readonly apiUrl: string;
  /** Fresh state for a case (the emulator resets; a real app keeps its history). */
  setUp(file: ConvoFile, c: ConvoCase): void;
  /** `data.mentions` entry of a user. */
  entityOf(uid: string): Record<string, unknown>;
  /** Sends the step's message as its user; rejects with CometChat's refusal. */
  send(file: ConvoFile, step: UserStep, body: UserMessageBody, parentId?: string): Promise<Sent>;
  nextAttempt(delivery: Delivery): Promise<DeliveryAttempt>;
  redeliver(delivery: Delivery): Delivery | undefined;
  injectFault(step: FaultStep): void;
  close(): Promise<void>;
}

/** The emulator as a stage: each case starts from its seed state with the file's users, groups and bot. */
export class EmulatorStage extends EventEmitter<StageEvents> implements Stage {
  readonly live = undefined;
  private readonly forward = (e: BotMessageEvent) => this.emit('bot-message', e);
  private readonly outbox = (e: OutboxEntry) => this.emit('rest-call', e);

  constructor(
    readonly emulator: Emulator,
    /** The bot's webhook URL, read per case: a started bot found on [::1] changes it after the stage exists. */
    private readonly botUrl: () => string,
    private readonly credentials: Credentials | null,
    /** Extra time the relay waits past ackWithin, so a late answer is reported with its real time. */
    private readonly ackGraceMs: number,
  ) {
    super();
    emulator.on('bot-message', this.forward);
    emulator.on('outbox', this.outbox);
  }

  get apiUrl(): string {
    return this.emulator.baseUrl;
  }

  setUp(file: ConvoFile, c: ConvoCase): void {
    const { emulator, credentials } = this;
    const botUrl = this.botUrl();
    emulator.reset();
    // A redelivery is a step, not a timer: no automatic retries.
    emulator.setCallbackPolicy({ timeoutMs: c.ackWithin + this.ackGraceMs, retryDelaysMs: [] });
    const { backend } = emulator;
    for (const u of file.users) backend.ensureUser(u.uid, u.name);
    backend.registerBot({ uid: file.bot, webhookURL: botUrl, groupChatSetting: file.groupChatSetting, ...(credentials ? { username: credentials.username, password: credentials.password } : {}) });
    // The seed group holds the bot (as a new app's sample group would once the bot is added), unless the file redefines it.
    if (!file.groups.some((g) => g.guid === 'team') && backend.groups.find('team')) backend.addMembers('team', [file.bot]);
    for (const g of file.groups) {
      if (backend.groups.find(g.guid)) backend.groups.remove(g.guid);
      backend.createGroup(g.guid, { name: g.name, members: [...g.members, ...(g.bot ? [file.bot] : [])] });
    }
  }

  entityOf(uid: string): Record<string, unknown> {
    return this.emulator.entityOf(uid);
  }

  async send(file: ConvoFile, step: UserStep, body: UserMessageBody, parentId?: string): Promise<Sent> {
    const outcome = this.emulator.userMessage(step.as, body as unknown as Record<string, unknown>, parentId);
    const deliveries = outcome.deliveries.filter((d) => d.bot === file.bot);
    if (deliveries.length > 0) return { deliveries };
    return { deliveries, unrelayed: outcome.skipped.find((s) => s.bot === file.bot)?.reason ?? 'no bot receives it' };
  }

  nextAttempt(delivery: Delivery): Promise<DeliveryAttempt> {
    return this.emulator.nextAttempt(delivery);
  }

  redeliver(delivery: Delivery): Delivery | undefined {
    return this.emulator.redeliver(delivery);
  }

  injectFault(step: FaultStep): void {
    this.emulator.backend.injectFault({ status: step.status, code: step.code, times: step.times, ...(step.retryAfter !== undefined ? { retryAfter: step.retryAfter } : {}) });
  }

  async close(): Promise<void> {
    this.emulator.off('bot-message', this.forward);
    this.emulator.off('outbox', this.outbox);
    await this.emulator.close();
  }
}

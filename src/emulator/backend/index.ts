// The emulated CometChat app as a typed domain API: its state and its rules, no HTTP. The REST routes,
// the test runner, `emulate`, `dev` and `cometbot/emulator` all go through this (moto's backend shape).
import { EventEmitter } from 'node:events';
import { Bots, type RegisterBot } from './bots.js';
import type { BackendEvents, DomainContext } from './context.js';
import { Conversations } from './conversations.js';
import { Groups } from './groups.js';
import { Messages, type HistoryPage, type HistoryQuery } from './messages.js';
import type { Bot, Delivery, Fault, Group, Json, Message, User } from './model.js';
import { Roles } from './roles.js';
import { Store } from './store.js';
import { Users } from './users.js';

export type { BackendEvents, Change, PerUid } from './context.js';
export type * from './model.js';
export { ApiError } from './errors.js';
export { conversationId } from './store.js';
export type { HistoryQuery, HistoryPage } from './messages.js';

/** The sample users and group of a new CometChat app. */
export const SEED_USERS = [
  ['alice', 'Alice Example'],
  ['bob', 'Bob Example'],
  ['carol', 'Carol Example'],
] as const;
export const SEED_GROUP = 'team';

export interface BackendOptions {
  /** Unix seconds. */
  now?: () => number;
  seed?: boolean;
  faults?: Fault[];
  botsApi?: boolean;
}

export class Backend extends EventEmitter<BackendEvents> {
  readonly users: Users;
  readonly bots: Bots;
  readonly groups: Groups;
  readonly roles: Roles;
  readonly messages: Messages;
  readonly conversations: Conversations;
  /** Internal to the emulator folder (the relay and the HTTP front read it); others use the methods. */
  readonly store: Store;

  constructor(private readonly options: BackendOptions = {}) {
    super();
    this.store = new Store(options.now ?? (() => Math.floor(Date.now() / 1000)));
    // Typed at the DomainContext; EventEmitter's own generic signature cannot follow a generic K through.
    const emit = this.emit.bind(this) as (event: string, ...args: unknown[]) => boolean;
    const ctx: DomainContext = { store: this.store, emit: (event, ...args) => void emit(event, ...args) };
    this.users = new Users(ctx);
    this.bots = new Bots(ctx);
    this.groups = new Groups(ctx);
    this.roles = new Roles(ctx);
    this.messages = new Messages(ctx);
    this.conversations = new Conversations(ctx, this.messages);
    this.reset();
  }

  now(): number {
    return this.store.now();
  }

  /** Back to the seed state: ids keep counting, so an old id never names a new message. */
  reset(): void {
    this.store.clear();
    this.store.faults = [...(this.options.faults ?? [])];
    this.store.botsApi = this.options.botsApi ?? true;
    this.roles.seed();
    if (this.options.seed === false) return;
    for (const [uid, name] of SEED_USERS) this.users.create({ uid, name });
    this.groups.ensure(SEED_GROUP, { name: 'Team', members: SEED_USERS.map(([uid]) => uid) });
  }

  // The calls tests and other wings make most, named as the issue names them.

  ensureUser(uid: string, name?: string): User {
    return this.users.ensure(uid, name);
  }

  /** An active user, or undefined. */
  findUser(uid: string): User | undefined {
    return this.store.activeUser(uid.toLowerCase());
  }

  registerBot(bot: RegisterBot): Bot {
    return this.bots.register(bot);
  }

  createGroup(guid: string, options: { name?: string; members?: string[] } = {}): Group {
    return this.groups.ensure(guid, options);
  }

  /** Seeds participants silently (no "added" action messages, unlike POST /groups/{guid}/members). */
  addMembers(guid: string, uids: string[]): void {
    const group = this.groups.get(guid);
    for (const uid of uids) this.ensureUser(uid);
    this.groups.ensure(group.guid, { members: uids.map((u) => u.toLowerCase()) });
  }

  send(sender: string, body: Json, options: { via?: Message['via']; parentId?: string } = {}): Message {
    return this.messages.send(sender, body, { via: options.via ?? (this.store.bots.has(sender.toLowerCase()) ? 'bot' : 'user'), ...(options.parentId ? { parentId: options.parentId } : {}) });
  }

  edit(id: string, data: Json, by?: string): Message {
    return this.messages.edit(id, { data }, by);
  }

  delete(id: string, by?: string): Message {
    return this.messages.delete(id, false, by);
  }

  react(id: string, reaction: string, uid: string): Message {
    return this.messages.react(id, reaction, uid);
  }

  history(query: HistoryQuery = {}): HistoryPage {
    return this.messages.history(query);
  }

  markRead(conversationId: string, uid: string, messageId?: string): void {
    this.conversations.markRead(conversationId, uid, messageId);
  }

  message(id: string): Message | undefined {
    return this.store.message(id);
  }

  /** Every kept message, oldest first. */
  allMessages(): Message[] {
    return this.store.allMessages();
  }

  deliveries(): readonly Delivery[] {
    return this.store.deliveries;
  }

  delivery(id: number): Delivery | undefined {
    return this.store.deliveries.find((d) => d.id === id);
  }

  /** The next `times` REST calls (matching `match`) fail with this status and code. */
  injectFault(fault: Fault): void {
    this.store.faults.push({ ...fault });
  }

  faults(): readonly Fault[] {
    return this.store.faults;
  }

  setFaults(faults: Fault[]): void {
    this.store.faults = [...faults];
  }

  get botsApi(): boolean {
    return this.store.botsApi;
  }

  set botsApi(on: boolean) {
    this.store.botsApi = on;
  }

  /** Takes one use of the first fault matching "METHOD /path", if any. */
  takeFault(method: string, path: string): Fault | undefined {
    const key = `${method} ${path}`;
    const fault = this.store.faults.find((f) => f.times > 0 && (!f.match || key.includes(f.match)));
    if (!fault) return undefined;
    fault.times -= 1;
    this.store.faults = this.store.faults.filter((f) => f.times > 0);
    return fault;
  }
}

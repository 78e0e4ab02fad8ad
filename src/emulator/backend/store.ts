// The emulated app's state: records by key, message history indexed by conversation, id counters.
import { HISTORY_PER_CONVERSATION } from './facts.js';
import type { AuthToken, Bot, ConversationMark, Delivery, Fault, Group, Message, Role, User } from './model.js';

export class Store {
  readonly users = new Map<string, User>();
  readonly bots = new Map<string, Bot>();
  readonly groups = new Map<string, Group>();
  readonly roles = new Map<string, Role>();
  readonly tokens = new Map<string, AuthToken[]>();
  /** uid → friends' uids. */
  readonly friends = new Map<string, Set<string>>();
  /** uid → (blocked uid → at). */
  readonly blocked = new Map<string, Map<string, number>>();
  /** `uid|conversationId` → that user's marks. */
  readonly marks = new Map<string, ConversationMark>();
  readonly deliveries: Delivery[] = [];
  faults: Fault[] = [];
  /** Switch: answer /bots management routes as if the API did not exist. */
  botsApi = true;
  private readonly messagesById = new Map<string, Message>();
  private readonly byConversation = new Map<string, Message[]>();
  private nextMessageId = 1;
  private nextDeliveryId = 1;
  private nextReactionId = 1;

  constructor(readonly now: () => number) {}

  messageId(): string {
    return String(this.nextMessageId++);
  }

  deliveryId(): number {
    return this.nextDeliveryId++;
  }

  reactionId(): string {
    return String(this.nextReactionId++);
  }

  activeUser(uid: string): User | undefined {
    const user = this.users.get(uid);
    return user && user.deactivatedAt === undefined ? user : undefined;
  }

  message(id: string): Message | undefined {
    return this.messagesById.get(id);
  }

  /** Keeps the newest HISTORY_PER_CONVERSATION messages of each conversation. */
  addMessage(message: Message): void {
    this.messagesById.set(message.id, message);
    let list = this.byConversation.get(message.conversationId);
    if (!list) this.byConversation.set(message.conversationId, (list = []));
    list.push(message);
    if (list.length > HISTORY_PER_CONVERSATION) for (const old of list.splice(0, list.length - HISTORY_PER_CONVERSATION)) this.messagesById.delete(old.id);
  }

  /** A conversation's kept messages, oldest first. */
  conversation(conversationId: string): readonly Message[] {
    return this.byConversation.get(conversationId) ?? [];
  }

  conversationIds(): string[] {
    return [...this.byConversation.keys()];
  }

  /** Every kept message, oldest first. */
  allMessages(): Message[] {
    return [...this.messagesById.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  messageCount(): number {
    return this.messagesById.size;
  }

  forgetConversation(conversationId: string): void {
    for (const m of this.byConversation.get(conversationId) ?? []) this.messagesById.delete(m.id);
    this.byConversation.delete(conversationId);
  }

  mark(uid: string, conversationId: string): ConversationMark {
    const key = `${uid}|${conversationId}`;
    let mark = this.marks.get(key);
    if (!mark) this.marks.set(key, (mark = {}));
    return mark;
  }

  /** Everything back to empty: ids keep counting, so an old id never names a new message. */
  clear(): void {
    for (const map of [this.users, this.bots, this.groups, this.roles, this.tokens, this.friends, this.blocked, this.marks, this.messagesById, this.byConversation]) map.clear();
    this.deliveries.length = 0;
    this.faults = [];
    this.botsApi = true;
  }
}

export function conversationId(sender: string, receiver: string, receiverType: 'user' | 'group'): string {
  if (receiverType === 'group') return `group_${receiver}`;
  const [a, b] = [sender, receiver].sort();
  return `${a}_user_${b}`;
}

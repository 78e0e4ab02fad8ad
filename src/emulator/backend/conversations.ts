// Conversations: the per-user view of history (last message, unread count), read/delivered marks, resets.
import type { DomainContext } from './context.js';
import { fail } from './errors.js';
import type { Message } from './model.js';
import type { Messages } from './messages.js';
import { conversationId } from './store.js';

export interface Conversation {
  conversationId: string;
  conversationType: 'user' | 'group';
  /** The other user (one-to-one) or the group's guid. */
  with: string;
  lastMessage: Message;
  unreadMessageCount: number;
  createdAt: number;
  updatedAt: number;
  tags?: string[];
}

export class Conversations {
  constructor(
    private readonly ctx: DomainContext,
    private readonly messages: Messages,
  ) {}

  private get store() {
    return this.ctx.store;
  }

  /** `viewer`'s conversations (or, without one, every conversation of the app [I]), newest first. */
  list(viewer?: string, filter: { conversationType?: string; unread?: boolean; tags?: string[] } = {}): Conversation[] {
    const out: Conversation[] = [];
    for (const id of this.store.conversationIds()) {
      const convo = this.view(id, viewer?.toLowerCase());
      if (!convo) continue;
      if (filter.conversationType && convo.conversationType !== filter.conversationType) continue;
      if (filter.unread && convo.unreadMessageCount === 0) continue;
      if (filter.tags?.length && !filter.tags.some((t) => convo.tags?.includes(t))) continue;
      out.push(convo);
    }
    return out.sort((a, b) => Number(b.lastMessage.id) - Number(a.lastMessage.id));
  }

  get(id: string, viewer: string): Conversation {
    return this.view(id, viewer.toLowerCase()) ?? fail(404, 'ERR_CONVERSATION_NOT_FOUND', `The conversation ${id} does not exist for ${viewer}.`);
  }

  /** The conversation id of `viewer` with a user or a group, checked to exist. */
  idWith(viewer: string, other: { uid?: string; guid?: string }): string {
    const me = viewer.toLowerCase();
    if (!this.store.activeUser(me)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${viewer} does not exist.`);
    if (other.guid !== undefined) {
      const group = this.store.groups.get(other.guid.toLowerCase()) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${other.guid} does not exist.`);
      return `group_${group.guid}`;
    }
    const uid = other.uid!.toLowerCase();
    if (!this.store.users.has(uid)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${other.uid} does not exist.`);
    return conversationId(me, uid, 'user');
  }

  tag(id: string, viewer: string, tags: string[]): Conversation {
    const convo = this.get(id, viewer);
    this.store.mark(viewer.toLowerCase(), id).tags = tags;
    return { ...convo, tags };
  }

  /** Read up to `messageId` (default: the last message) for `viewer`. */
  markRead(id: string, viewer: string, messageId?: string): void {
    const mark = this.store.mark(viewer.toLowerCase(), id);
    mark.readUpTo = this.upTo(id, messageId);
    mark.deliveredUpTo = maxId(mark.deliveredUpTo, mark.readUpTo);
  }

  markDelivered(id: string, viewer: string, messageId?: string): void {
    const mark = this.store.mark(viewer.toLowerCase(), id);
    mark.deliveredUpTo = maxId(mark.deliveredUpTo, this.upTo(id, messageId));
  }

  /** Unread from `messageId` on: the read mark moves to just before it. */
  markUnread(id: string, viewer: string, messageId: string): void {
    const message = this.messages.get(messageId);
    if (message.conversationId !== id) fail(400, 'ERR_BAD_REQUEST', `The message ${messageId} is not in the conversation ${id}.`);
    this.store.mark(viewer.toLowerCase(), id).readUpTo = String(Number(messageId) - 1);
  }

  /** Hides the conversation's messages so far for `viewer`; `forEveryone` (DELETE /conversations/{id}) forgets them [I]. */
  reset(id: string, viewer: string | undefined, forEveryone = false): void {
    const last = this.store.conversation(id).at(-1);
    if (!last) fail(404, 'ERR_CONVERSATION_NOT_FOUND', `The conversation ${id} does not exist.`);
    if (forEveryone || viewer === undefined) this.store.forgetConversation(id);
    else this.store.mark(viewer.toLowerCase(), id).clearedUpTo = last.id;
  }

  private upTo(id: string, messageId?: string): string {
    if (messageId === undefined) return this.store.conversation(id).at(-1)?.id ?? '0';
    const message = this.messages.get(messageId);
    if (message.conversationId !== id) fail(400, 'ERR_BAD_REQUEST', `The message ${messageId} is not in the conversation ${id}.`);
    return message.id;
  }

  private view(id: string, viewer: string | undefined): Conversation | undefined {
    const all = this.store.conversation(id);
    const mark = viewer ? this.store.marks.get(`${viewer}|${id}`) : undefined;
    const visible = mark?.clearedUpTo ? all.filter((m) => Number(m.id) > Number(mark.clearedUpTo)) : all;
    const last = visible.at(-1);
    if (!last) return undefined;
    const first = all[0]!;
    let withWhom: string;
    if (last.receiverType === 'group') {
      const group = this.store.groups.get(last.receiver);
      if (viewer && !group?.members.has(viewer)) return undefined;
      withWhom = last.receiver;
    } else {
      const [a, b] = id.split('_user_') as [string, string];
      if (viewer && viewer !== a && viewer !== b) return undefined;
      withWhom = viewer ? (viewer === a ? b : a) : last.receiver;
    }
    return {
      conversationId: id,
      conversationType: last.receiverType,
      with: withWhom,
      lastMessage: last,
      unreadMessageCount: viewer ? this.messages.unreadCount(viewer, id) : 0,
      createdAt: first.sentAt,
      updatedAt: last.sentAt,
      ...(mark?.tags ? { tags: mark.tags } : {}),
    };
  }
}

function maxId(a: string | undefined, b: string): string {
  return a !== undefined && Number(a) > Number(b) ? a : b;
}

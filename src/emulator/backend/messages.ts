// Messages: sending (every category and type the OpenAPI allows), threads, edits, soft deletes,
// reactions, interactions, and history with the OpenAPI's filters and cursors.
import { groupView, userEntity } from '../views.js';
import { storeMessageAction } from './actions.js';
import type { DomainContext } from './context.js';
import { fail } from './errors.js';
import { DEFAULT_MESSAGE_LIMIT, MAX_MESSAGE_LIMIT, RELAY_REACTIONS, SYSTEM_SENDER } from './facts.js';
import type { Json, Message, Reaction } from './model.js';
import { conversationId } from './store.js';

const MESSAGE_TYPES = ['text', 'image', 'file', 'audio', 'video'];
const INTERACTIVE_TYPES = ['form', 'card', 'scheduler', 'customInteractive'];

export interface SendOptions {
  via: Message['via'];
  parentId?: string;
}

export interface HistoryQuery {
  /** Messages of this conversation only. */
  conversationId?: string;
  /** Replies to this message only (a thread). */
  parentId?: string;
  /** Whose view: hides what that user cleared, marks reactions as theirs. */
  viewer?: string;
  limit?: number;
  affix?: 'append' | 'prepend';
  id?: string;
  sentAt?: number;
  updatedAt?: number;
  fromTimestamp?: number;
  toTimestamp?: number;
  category?: string;
  categories?: string[];
  type?: string;
  types?: string[];
  sender?: string;
  receiverType?: 'user' | 'group';
  searchKey?: string;
  tags?: string[];
  hideReplies?: boolean;
  hideDeleted?: boolean;
  onlyDeleted?: boolean;
  onlyThreadMessages?: boolean;
  hasAttachments?: boolean;
  attachmentTypes?: string[];
  hasMentions?: boolean;
  hasReactions?: boolean;
  hasLinks?: boolean;
  unread?: boolean;
}

export interface HistoryPage {
  messages: Message[];
  limit: number;
  /** How many matched in all (before the limit). */
  total: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MENTION = /<@uid:([^>\s]+)>/g;

export class Messages {
  constructor(private readonly ctx: DomainContext) {}

  private get store() {
    return this.ctx.store;
  }

  get(id: string): Message {
    return this.store.message(String(id)) ?? fail(404, 'ERR_MESSAGE_NOT_FOUND', `The message with id ${id} does not exist.`);
  }

  /** Validates like CometChat (ERR_* codes of the error guide) and stores the message. */
  send(sender: string, body: Json, options: SendOptions): Message {
    const s = this.store;
    const from = sender.toLowerCase();
    const system = from === SYSTEM_SENDER;
    if (!system && !s.activeUser(from)) fail(404, 'ERR_UID_NOT_FOUND', `The UID ${from} does not exist.`);
    const receiver = typeof body.receiver === 'string' && body.receiver.trim() ? body.receiver.trim().toLowerCase() : fail(400, 'ERR_EMPTY_RECEIVER', 'The receiver is empty.');
    const receiverType = body.receiverType === 'user' || body.receiverType === 'group' ? body.receiverType : fail(400, 'ERR_INVALID_RECEIVER_TYPE', 'The receiverType must be user or group.');
    if (body.category !== undefined && typeof body.category !== 'string') fail(400, 'ERR_INVALID_MESSAGE_CATEGORY', 'The category must be message, custom or interactive.');
    const category = (body.category as string | undefined) ?? 'message';
    if (!['message', 'custom', 'interactive'].includes(category)) fail(400, 'ERR_INVALID_MESSAGE_CATEGORY', 'The category must be message, custom or interactive.');
    if (body.type !== undefined && typeof body.type !== 'string') fail(400, 'ERR_INVALID_MESSAGE_TYPE', 'The type must be a string.');
    const type = (body.type as string | undefined) || (category === 'message' ? 'text' : category === 'interactive' ? '' : '') || fail(400, 'ERR_EMPTY_MESSAGE_TYPE', 'The type is empty.');
    if (category === 'message' && !MESSAGE_TYPES.includes(type)) fail(400, 'ERR_INVALID_MESSAGE_TYPE', `The type ${type} is not valid for category message (${MESSAGE_TYPES.join(', ')}).`);
    if (category === 'interactive' && !INTERACTIVE_TYPES.includes(type)) fail(400, 'ERR_INVALID_MESSAGE_TYPE', `The type ${type} is not valid for category interactive (${INTERACTIVE_TYPES.join(', ')}).`);
    const data = isObject(body.data) ? { ...body.data } : fail(400, 'ERR_INVALID_MESSAGE_DATA', 'The data must be an object.');
    if (data.metadata !== undefined && !isObject(data.metadata)) fail(400, 'ERR_INVALID_METADATA', 'The metadata must be an object.');
    if (category === 'message' && type === 'text' && (typeof data.text !== 'string' || !data.text.trim())) fail(400, 'ERR_EMPTY_MESSAGE_TEXT', 'The message text is empty.');
    if (category === 'message' && type !== 'text' && data.attachments !== undefined && !Array.isArray(data.attachments)) fail(400, 'ERR_INVALID_MESSAGE_DATA', 'data.attachments must be a list of {url, name, mimeType, extension, size}.');
    if (category === 'custom' && data.customData === undefined) fail(400, 'ERR_EMPTY_CUSTOM_DATA', 'The customData is empty.');
    if (category === 'custom' && !isObject(data.customData)) fail(400, 'ERR_INVALID_CUSTOM_DATA', 'The customData must be an object.');
    if (category === 'interactive' && !isObject(data.interactiveData)) fail(400, 'ERR_INVALID_MESSAGE_DATA', 'An interactive message needs data.interactiveData (an object).');
    if (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))) fail(400, 'ERR_BAD_REQUEST', 'tags must be a list of strings.');
    if (body.muid !== undefined && typeof body.muid !== 'string') fail(400, 'ERR_BAD_REQUEST', 'muid must be a string.');
    const parent = options.parentId !== undefined ? this.get(options.parentId) : undefined;

    let receiverEntity: Json;
    if (receiverType === 'user') {
      const user = s.activeUser(receiver) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${receiver} does not exist.`);
      if (!system && s.blocked.get(receiver)?.has(from)) fail(403, 'ERR_BLOCKED_RECEIVER', `The user ${receiver} has blocked ${from}.`);
      if (!system && s.blocked.get(from)?.has(receiver)) fail(403, 'ERR_BLOCKED_RECEIVER', `${from} has blocked the user ${receiver}: unblock them first.`);
      receiverEntity = { ...userEntity(user, receiver), conversationId: conversationId(from, receiver, 'user') };
    } else {
      const group = s.groups.get(receiver) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${receiver} does not exist.`);
      if (!system && group.banned.has(from)) fail(403, 'ERR_NOT_A_MEMBER', `The user ${from} is banned from the group ${receiver}.`);
      if (!system && !group.members.has(from)) fail(403, 'ERR_NOT_A_MEMBER', `The user ${from} is not a member of the group ${receiver}.`);
      receiverEntity = groupView(group);
    }
    // Mentions written <@uid:…> are listed in data.mentions when the sender did not list them [I].
    if (typeof data.text === 'string' && data.mentions === undefined) {
      const uids = [...new Set([...data.text.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()))];
      if (uids.length > 0) data.mentions = Object.fromEntries(uids.map((uid) => [uid, userEntity(s.users.get(uid), uid)]));
    }
    const at = s.now();
    const message: Message = {
      id: s.messageId(),
      ...(typeof body.muid === 'string' ? { muid: body.muid } : {}),
      conversationId: conversationId(from, receiver, receiverType),
      sender: from,
      receiver,
      receiverType,
      category,
      type,
      data: { ...data, entities: { sender: { entity: userEntity(s.users.get(from), from), entityType: 'user' }, receiver: { entity: receiverEntity, entityType: receiverType } } },
      ...(parent ? { parentId: parent.id } : {}),
      ...(Array.isArray(body.tags) ? { tags: body.tags as string[] } : {}),
      sentAt: at,
      updatedAt: at,
      reactions: [],
      via: options.via,
    };
    if (parent) parent.replyCount = (parent.replyCount ?? 0) + 1;
    s.addMessage(message);
    this.ctx.emit('message', message);
    return message;
  }

  /** An edit keeps the id and sets editedAt/editedBy; the answer is the "edited" action message [S]. */
  edit(id: string, patch: { data?: Json; tags?: string[] }, by: string = SYSTEM_SENDER): Message {
    const message = this.get(id);
    if (message.deletedAt !== undefined) fail(400, 'ERR_MESSAGE_DELETED', `The message ${id} was deleted and cannot be edited.`);
    if (message.category === 'action') fail(400, 'ERR_BAD_REQUEST', 'An action message cannot be edited.');
    if (patch.data !== undefined) {
      if (message.category === 'message' && message.type === 'text' && patch.data.text !== undefined && (typeof patch.data.text !== 'string' || !patch.data.text.trim())) fail(400, 'ERR_EMPTY_MESSAGE_TEXT', 'The message text is empty.');
      if (patch.data.metadata !== undefined && !isObject(patch.data.metadata)) fail(400, 'ERR_INVALID_METADATA', 'The metadata must be an object.');
      message.data = { ...message.data, ...patch.data, entities: message.data.entities };
    }
    if (patch.tags !== undefined) message.tags = patch.tags;
    const at = this.store.now();
    message.editedAt = at;
    message.editedBy = by;
    message.updatedAt = at;
    return this.announce('edited', message, by);
  }

  /** Soft by default (deletedAt/deletedBy, content kept for the record) [S]; `permanent` forgets it [I]. */
  delete(id: string, permanent: boolean, by: string = SYSTEM_SENDER): Message {
    const message = this.get(id);
    if (message.deletedAt !== undefined && !permanent) fail(400, 'ERR_MESSAGE_DELETED', `The message ${id} is already deleted.`);
    const at = this.store.now();
    message.deletedAt = at;
    message.deletedBy = by;
    message.updatedAt = at;
    const action = this.announce('deleted', message, by);
    return action;
  }

  react(id: string, reaction: string, uid: string): Message {
    const message = this.get(id);
    const user = this.store.activeUser(uid.toLowerCase()) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
    if (message.deletedAt !== undefined) fail(400, 'ERR_MESSAGE_DELETED', `The message ${id} was deleted.`);
    if (!message.reactions.some((r) => r.uid === user.uid && r.reaction === reaction)) {
      message.reactions.push({ id: this.store.reactionId(), reaction, uid: user.uid, reactedAt: this.store.now() });
      if (RELAY_REACTIONS) this.announce('reactionAdded', message, user.uid, { reaction });
    }
    return message;
  }

  unreact(id: string, reaction: string, uid: string): Message {
    const message = this.get(id);
    const key = uid.toLowerCase();
    const at = message.reactions.findIndex((r) => r.uid === key && r.reaction === reaction);
    if (at < 0) fail(404, 'ERR_REACTION_NOT_FOUND', `${key} has not reacted ${reaction} to the message ${id}.`);
    message.reactions.splice(at, 1);
    if (RELAY_REACTIONS) this.announce('reactionRemoved', message, key, { reaction });
    return message;
  }

  reactions(id: string, reaction?: string): Reaction[] {
    return this.get(id).reactions.filter((r) => reaction === undefined || r.reaction === reaction);
  }

  /** Marks elements of an interactive message as used by `uid` [S]. */
  interacted(id: string, uid: string, elementIds: string[]): void {
    const message = this.get(id);
    const user = this.store.activeUser(uid.toLowerCase()) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
    if (message.category !== 'interactive') fail(400, 'ERR_NOT_INTERACTIVE', `The message ${id} is not an interactive message.`);
    const at = this.store.now();
    message.interactions ??= {};
    const mine = (message.interactions[user.uid] ??= []);
    for (const elementId of elementIds) if (!mine.some((i) => i.elementId === elementId)) mine.push({ elementId, interactedAt: at });
  }

  /** Messages matching the query, oldest first, cut to `limit` around the cursor (`id`/`sentAt` + `affix`). */
  history(q: HistoryQuery = {}): HistoryPage {
    const limit = Math.min(Math.max(1, q.limit ?? DEFAULT_MESSAGE_LIMIT), MAX_MESSAGE_LIMIT);
    const source = q.conversationId !== undefined ? this.store.conversation(q.conversationId) : this.store.allMessages();
    const viewer = q.viewer?.toLowerCase();
    const matching = source.filter((m) => this.matches(m, q, viewer));
    const affix = q.affix ?? 'prepend';
    let cut: Message[];
    if (q.id !== undefined || q.sentAt !== undefined) {
      const after = (m: Message) => (q.id !== undefined ? Number(m.id) > Number(q.id) : m.sentAt >= q.sentAt!);
      const before = (m: Message) => (q.id !== undefined ? Number(m.id) < Number(q.id) : m.sentAt <= q.sentAt!);
      cut = affix === 'append' ? matching.filter(after).slice(0, limit) : matching.filter(before).slice(-limit);
    } else {
      cut = affix === 'append' ? matching.slice(0, limit) : matching.slice(-limit);
    }
    return { messages: cut, limit, total: matching.length };
  }

  /** Unread for `uid` in a conversation: others' messages after their read mark. */
  unreadCount(uid: string, convo: string): number {
    const mark = this.store.marks.get(`${uid}|${convo}`);
    return this.store.conversation(convo).filter((m) => m.sender !== uid && m.category !== 'action' && m.deletedAt === undefined && Number(m.id) > Number(mark?.readUpTo ?? 0) && Number(m.id) > Number(mark?.clearedUpTo ?? 0)).length;
  }

  private matches(m: Message, q: HistoryQuery, viewer: string | undefined): boolean {
    if (q.parentId !== undefined ? m.parentId !== q.parentId : (q.hideReplies && m.parentId !== undefined) || (q.onlyThreadMessages && m.parentId === undefined)) return false;
    if (viewer) {
      const cleared = this.store.marks.get(`${viewer}|${m.conversationId}`)?.clearedUpTo;
      if (cleared !== undefined && Number(m.id) <= Number(cleared)) return false;
      if (m.receiverType === 'user' && m.sender !== viewer && m.receiver !== viewer) return false;
      if (q.unread && (m.sender === viewer || Number(m.id) <= Number(this.store.marks.get(`${viewer}|${m.conversationId}`)?.readUpTo ?? 0))) return false;
    }
    if (q.hideDeleted && m.deletedAt !== undefined) return false;
    if (q.onlyDeleted && m.deletedAt === undefined) return false;
    if (q.updatedAt !== undefined && m.updatedAt < q.updatedAt) return false;
    if (q.fromTimestamp !== undefined && m.sentAt < q.fromTimestamp) return false;
    if (q.toTimestamp !== undefined && m.sentAt > q.toTimestamp) return false;
    const categories = [...(q.categories ?? []), ...(q.category ? [q.category] : [])];
    if (categories.length && !categories.includes(m.category)) return false;
    const types = [...(q.types ?? []), ...(q.type ? [q.type] : [])];
    if (types.length && !types.includes(m.type)) return false;
    if (q.sender && m.sender !== q.sender.toLowerCase()) return false;
    if (q.receiverType && m.receiverType !== q.receiverType) return false;
    if (q.searchKey && !(typeof m.data.text === 'string' && m.data.text.toLowerCase().includes(q.searchKey.toLowerCase()))) return false;
    if (q.tags?.length && !q.tags.some((t) => m.tags?.includes(t))) return false;
    const attachments = Array.isArray(m.data.attachments) ? (m.data.attachments as Json[]) : [];
    if (q.hasAttachments !== undefined && (attachments.length > 0 || (m.category === 'message' && m.type !== 'text')) !== q.hasAttachments) return false;
    if (q.attachmentTypes?.length && !(m.category === 'message' && q.attachmentTypes.includes(m.type))) return false;
    if (q.hasMentions !== undefined && isObject(m.data.mentions) !== q.hasMentions) return false;
    if (q.hasReactions !== undefined && m.reactions.length > 0 !== q.hasReactions) return false;
    if (q.hasLinks !== undefined && (typeof m.data.text === 'string' && /https?:\/\//.test(m.data.text)) !== q.hasLinks) return false;
    return true;
  }

  private announce(change: 'edited' | 'deleted' | 'reactionAdded' | 'reactionRemoved', target: Message, by: string, extra: Json = {}): Message {
    const action = storeMessageAction(this.ctx, target, change, by, extra);
    this.ctx.emit('change', { change, target, action, by });
    return action;
  }
}

// Records as CometChat shows them in answers and callbacks: bookkeeping stripped, empty fields left out.
import type { Bot, Group, Json, Member, Message, Reaction, Role, User } from './backend/model.js';
import { conversationId } from './backend/store.js';

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function userView(user: User, viewer?: string): Json {
  return defined({
    uid: user.uid,
    name: user.name,
    link: user.link,
    avatar: user.avatar,
    metadata: user.metadata,
    status: user.status,
    statusMessage: user.statusMessage,
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    deactivatedAt: user.deactivatedAt,
    tags: user.tags,
    ...(viewer && viewer !== user.uid ? { conversationId: conversationId(viewer, user.uid, 'user') } : {}),
  });
}

/** A user inside a message (entities, mentions): a user that no longer exists is shown by uid. */
export function userEntity(user: User | undefined, uid: string): Json {
  return user ? defined({ uid: user.uid, name: user.name, avatar: user.avatar, status: user.status, role: user.role, createdAt: user.createdAt }) : { uid, name: uid, status: 'offline', role: 'default' };
}

/** A group as `viewer` sees it: hasJoined, scope and joinedAt only for a member [S: the example]. */
export function groupView(group: Group, viewer?: string): Json {
  const member = viewer ? group.members.get(viewer) : undefined;
  return defined({
    guid: group.guid,
    name: group.name,
    description: group.description,
    icon: group.icon,
    type: group.type,
    metadata: group.metadata,
    owner: group.owner,
    membersCount: group.members.size,
    conversationId: `group_${group.guid}`,
    hasJoined: viewer ? member !== undefined : undefined,
    scope: member?.scope,
    joinedAt: member?.joinedAt,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
    tags: group.tags,
  });
}

export function memberView(user: User | undefined, member: Member, viewer?: string): Json {
  const base = user ? userView(user, viewer) : { uid: member.uid, name: member.uid, status: 'offline', role: 'default' };
  return { ...base, scope: member.scope, joinedAt: member.joinedAt };
}

export function botView(bot: Bot): Json {
  // CometChat omits false and empty properties, and does return the password.
  return Object.fromEntries(Object.entries(bot).filter(([, v]) => v !== false && v !== undefined && v !== ''));
}

/** Reactions summed per emoji, `reactedByMe` for the viewer [S: the example's shape]. */
function reactionSummary(reactions: Reaction[], viewer?: string): Json[] {
  const byEmoji = new Map<string, Json>();
  for (const r of reactions) {
    const entry = byEmoji.get(r.reaction) ?? { reaction: r.reaction, count: 0 };
    entry.count = (entry.count as number) + 1;
    if (viewer && r.uid === viewer) entry.reactedByMe = true;
    byEmoji.set(r.reaction, entry);
  }
  return [...byEmoji.values()];
}

/** The message as CometChat returns it (built field by field: history answers show hundreds at a time). */
export function messageView(m: Message, viewer?: string): Json {
  const out: Json = { id: m.id };
  if (m.muid !== undefined) out.muid = m.muid;
  out.conversationId = m.conversationId;
  out.sender = m.sender;
  out.receiver = m.receiver;
  out.receiverType = m.receiverType;
  out.category = m.category;
  out.type = m.type;
  out.data = m.data;
  if (m.parentId !== undefined) out.parentId = m.parentId;
  if (m.tags !== undefined) out.tags = m.tags;
  out.sentAt = m.sentAt;
  out.updatedAt = m.updatedAt;
  if (m.editedAt !== undefined) out.editedAt = m.editedAt;
  if (m.editedBy !== undefined) out.editedBy = m.editedBy;
  if (m.deletedAt !== undefined) out.deletedAt = m.deletedAt;
  if (m.deletedBy !== undefined) out.deletedBy = m.deletedBy;
  if (m.replyCount) out.replyCount = m.replyCount;
  if (m.reactions.length > 0) out.data = { ...m.data, reactions: reactionSummary(m.reactions, viewer) };
  if (m.interactions && viewer && m.interactions[viewer]) out.data = { ...(out.data as Json), interactions: m.interactions[viewer] };
  return out;
}

export function reactionView(r: Reaction, messageId: string, user: User | undefined): Json {
  return { id: r.id, messageId, reaction: r.reaction, uid: r.uid, reactedAt: r.reactedAt, reactedBy: userEntity(user, r.uid) };
}

export function roleView(role: Role): Json {
  const { restricted: _r, ...rest } = role;
  return defined({ ...rest });
}

// The emulated app's rules, through its domain API (no HTTP): membership, scopes and ownership, soft
// deletes, edits, reactions, history filters and cursors, read marks, bounded history.
import { describe, expect, it } from 'vitest';
import { ApiError, Backend } from '../../src/emulator/backend/index.js';
import { HISTORY_PER_CONVERSATION } from '../../src/emulator/backend/facts.js';

let clock = 1_700_000_000;
const backend = (seed = true) => new Backend({ now: () => clock, seed });
const text = (receiver: string, t: string, receiverType: 'user' | 'group' = 'user') => ({ receiver, receiverType, category: 'message', type: 'text', data: { text: t } });

/** The CometChat code a call is refused with. */
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.status} ${e.code}`;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('users', () => {
  it('keeps every field create takes, refuses a duplicate and an unknown role, and deactivation hides a user', () => {
    const b = backend();
    const user = b.users.create({ uid: 'Dave', name: 'Dave', link: 'https://x', role: 'default', metadata: { '@private': { email: 'd@x' } }, tags: ['vip'] });
    expect(user).toMatchObject({ uid: 'dave', link: 'https://x', metadata: { '@private': { email: 'd@x' } }, tags: ['vip'] });
    expect(code(() => b.users.create({ uid: 'dave', name: 'again' }))).toBe('409 ERR_UID_ALREADY_EXISTS');
    expect(code(() => b.users.create({ uid: 'erin', name: 'Erin', role: 'nope' }))).toBe('404 ERR_ROLE_NOT_FOUND');
    b.users.remove('dave', false);
    expect(code(() => b.users.get('dave'))).toBe('404 ERR_UID_NOT_FOUND');
    expect(code(() => b.users.create({ uid: 'dave', name: 'again' }))).toBe('409 ERR_UID_ALREADY_EXISTS');
    expect(b.users.reactivate(['dave', 'ghost'])).toEqual(['dave']);
    expect(b.users.update('dave', { name: 'David' }, ['link'])).not.toHaveProperty('link');
    expect(code(() => b.users.update('dave', {}, ['name']))).toBe('400 ERR_BAD_REQUEST');
  });

  it('lists with search, role and tag filters', () => {
    const b = backend();
    b.users.create({ uid: 'dave', name: 'Dave Smith', tags: ['vip'] });
    expect(b.users.list({ searchKey: 'smith' }).map((u) => u.uid)).toEqual(['dave']);
    expect(b.users.list({ tags: ['vip'] }).map((u) => u.uid)).toEqual(['dave']);
    expect(b.users.list().map((u) => u.uid)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('gives the same auth token again unless forced, and a block stops one-to-one messages both ways', () => {
    const b = backend();
    const first = b.users.createToken('alice');
    expect(b.users.createToken('alice').authToken).toBe(first.authToken);
    const forced = b.users.createToken('alice', true);
    expect(forced.authToken).not.toBe(first.authToken);
    expect(b.users.tokens('alice')).toHaveLength(2);
    b.users.deleteToken('alice', first.authToken);
    expect(code(() => b.users.token('alice', first.authToken))).toBe('404 ERR_AUTH_TOKEN_NOT_FOUND');
    b.users.block('alice', ['bob']);
    expect(code(() => b.send('bob', text('alice', 'hi')))).toBe('403 ERR_BLOCKED_RECEIVER');
    expect(code(() => b.send('alice', text('bob', 'hi')))).toBe('403 ERR_BLOCKED_RECEIVER');
    b.users.unblock('alice', ['bob']);
    expect(b.send('bob', text('alice', 'hi')).id).toBeTruthy();
  });
});

describe('groups and members', () => {
  it('makes onBehalfOf the owner (an admin), adds members per role, answers a repeat with ERR_ALREADY_JOINED', () => {
    const b = backend();
    const { group, members } = b.groups.create({ guid: 'Proj', name: 'P', type: 'public', members: { admins: ['bob'], participants: ['carol', 'ghost'] } }, 'alice');
    expect(group.owner).toBe('alice');
    expect(b.groups.member('proj', 'alice').scope).toBe('admin');
    expect(b.groups.member('proj', 'bob').scope).toBe('admin');
    expect(members!.participants!.carol!.success).toBe(true);
    expect(members!.participants!.ghost!.error?.code).toBe('ERR_UID_NOT_FOUND');
    const again = b.groups.addMembers('proj', { moderators: ['carol'] });
    expect(again.moderators!.carol).toMatchObject({ success: false, error: { code: 'ERR_ALREADY_JOINED' } });
    expect(code(() => b.groups.create({ guid: 'proj', name: 'P', type: 'public' }))).toBe('400 ERR_GUID_ALREADY_EXISTS');
    expect(code(() => b.groups.create({ guid: 'locked', name: 'L', type: 'password' }))).toBe('400 ERR_BAD_REQUEST');
  });

  it('changes scope, kicks and bans, keeps the owner, and refuses messages from non-members', () => {
    const b = backend();
    b.groups.create({ guid: 'proj', name: 'P', type: 'public', members: { participants: ['bob', 'carol'] } }, 'alice');
    expect(b.groups.changeScope('proj', 'bob', 'moderator').scope).toBe('moderator');
    expect(code(() => b.groups.changeScope('proj', 'alice', 'participant'))).toBe('403 ERR_GROUP_OWNER_SCOPE');
    expect(code(() => b.groups.kick('proj', 'alice'))).toBe('403 ERR_GROUP_OWNER_KICK');
    b.groups.kick('proj', 'carol');
    expect(code(() => b.send('carol', text('proj', 'hi', 'group')))).toBe('403 ERR_NOT_A_MEMBER');
    b.groups.ban('proj', 'bob');
    expect(b.groups.banned('proj').map((x) => x.uid)).toEqual(['bob']);
    expect(b.groups.addMembers('proj', { participants: ['bob'] }).participants!.bob!.error?.code).toBe('ERR_BANNED_GROUPMEMBER');
    b.groups.unban('proj', 'bob');
    expect(b.groups.addMembers('proj', { participants: ['bob'] }).participants!.bob!.success).toBe(true);
    // The member changes are in the group's history, as action messages.
    const actions = b.history({ conversationId: 'group_proj', limit: 100 }).messages.map((m) => m.data.action);
    expect(actions).toEqual(['added', 'added', 'scopeChanged', 'kicked', 'banned', 'unbanned', 'added']);
  });

  it('transfers ownership only to a member, and deleting a group forgets its history', () => {
    const b = backend();
    b.groups.create({ guid: 'proj', name: 'P', type: 'public', members: { participants: ['bob'] } }, 'alice');
    expect(code(() => b.groups.update('proj', { owner: 'carol' }))).toBe('400 ERR_NOT_A_MEMBER');
    expect(b.groups.update('proj', { owner: 'bob' }).owner).toBe('bob');
    expect(b.groups.member('proj', 'bob').scope).toBe('admin');
    b.send('bob', text('proj', 'hi', 'group'));
    b.groups.remove('proj');
    expect(b.history({ conversationId: 'group_proj' }).messages).toEqual([]);
    expect(code(() => b.groups.get('proj'))).toBe('404 ERR_GUID_NOT_FOUND');
  });
});

describe('messages', () => {
  it('validates categories and types as CometChat does, and sends without a sender as app_system', () => {
    const b = backend();
    expect(code(() => b.send('alice', { receiver: 'bob', receiverType: 'user', category: 'message', type: 'sticker', data: {} }))).toBe('400 ERR_INVALID_MESSAGE_TYPE');
    expect(code(() => b.send('alice', { receiver: 'bob', receiverType: 'user', category: 'custom', type: 'poll', data: {} }))).toBe('400 ERR_EMPTY_CUSTOM_DATA');
    expect(code(() => b.send('alice', { receiver: 'bob', receiverType: 'user', category: 'interactive', type: 'form', data: {} }))).toBe('400 ERR_INVALID_MESSAGE_DATA');
    expect(code(() => b.send('alice', { receiver: 'bob', receiverType: 'user', category: 'message', type: 'text', data: { text: 'x', metadata: 'no' } }))).toBe('400 ERR_INVALID_METADATA');
    const form = b.send('alice', { receiver: 'bob', receiverType: 'user', category: 'interactive', type: 'form', data: { interactiveData: { formFields: [] } } });
    b.messages.interacted(form.id, 'bob', ['name', 'name']);
    expect(form.interactions).toEqual({ bob: [{ elementId: 'name', interactedAt: clock }] });
    const system = b.messages.send('app_system', text('carol', 'notice'), { via: 'system' });
    expect(system).toMatchObject({ sender: 'app_system', conversationId: 'app_system_user_carol' });
  });

  it('lists <@uid:…> mentions in data.mentions, counts thread replies', () => {
    const b = backend();
    const m = b.send('alice', text('team', 'hi <@uid:bob>', 'group'));
    expect(Object.keys(m.data.mentions as object)).toEqual(['bob']);
    b.send('bob', text('team', 'reply', 'group'), { parentId: m.id });
    expect(b.message(m.id)!.replyCount).toBe(1);
    expect(code(() => b.send('bob', text('team', 'x', 'group'), { parentId: '999' }))).toBe('404 ERR_MESSAGE_NOT_FOUND');
  });

  it('edits keep the id and record who; deletes are soft; both are announced as action messages', () => {
    const b = backend();
    const changes: string[] = [];
    b.on('change', ({ change, target }) => changes.push(`${change} ${target.id}`));
    const m = b.send('alice', text('bob', 'helo'));
    const edited = b.messages.edit(m.id, { data: { text: 'hello' } }, 'alice');
    expect(edited).toMatchObject({ category: 'action', type: 'message', data: { action: 'edited', entities: { on: { entity: { id: m.id, data: { text: 'hello' } } } } } });
    expect(b.message(m.id)).toMatchObject({ editedBy: 'alice', editedAt: clock, data: { text: 'hello' } });
    const deleted = b.messages.delete(m.id, false, 'bob');
    expect(deleted.data.action).toBe('deleted');
    expect(b.message(m.id)).toMatchObject({ deletedBy: 'bob', deletedAt: clock });
    expect(code(() => b.messages.edit(m.id, { data: { text: 'again' } }))).toBe('400 ERR_MESSAGE_DELETED');
    expect(changes).toEqual([`edited ${m.id}`, `deleted ${m.id}`]);
  });

  it('adds a reaction once per user and emoji, removes it, and refuses removing one that is not there', () => {
    const b = backend();
    const m = b.send('alice', text('bob', 'hi'));
    b.react(m.id, '👍', 'bob');
    b.react(m.id, '👍', 'bob');
    b.react(m.id, '👍', 'alice');
    expect(b.messages.reactions(m.id).map((r) => r.uid)).toEqual(['bob', 'alice']);
    b.messages.unreact(m.id, '👍', 'bob');
    expect(code(() => b.messages.unreact(m.id, '👍', 'bob'))).toBe('404 ERR_REACTION_NOT_FOUND');
  });
});

describe('history', () => {
  function chat(n: number) {
    const b = backend();
    const ids: string[] = [];
    for (let i = 1; i <= n; i++) {
      clock += 1;
      ids.push(b.send(i % 2 ? 'alice' : 'bob', text(i % 2 ? 'bob' : 'alice', `m${i}`)).id);
    }
    return { b, ids, convo: 'alice_user_bob' };
  }

  it('gives the newest `limit` by default, oldest first, and pages with id + affix both ways', () => {
    const { b, ids, convo } = chat(25);
    const texts = (q: Parameters<Backend['history']>[0]) => b.history({ conversationId: convo, ...q }).messages.map((m) => m.data.text);
    expect(texts({})).toEqual(Array.from({ length: 10 }, (_, i) => `m${16 + i}`));
    expect(texts({ limit: 3, id: ids[15], affix: 'prepend' })).toEqual(['m13', 'm14', 'm15']);
    expect(texts({ limit: 3, id: ids[15], affix: 'append' })).toEqual(['m17', 'm18', 'm19']);
    expect(texts({ limit: 3, affix: 'append' })).toEqual(['m1', 'm2', 'm3']);
    expect(b.history({ conversationId: convo, limit: 1000 }).limit).toBe(100);
  });

  it('filters by sender, category, type, deletion, replies, tags, text and time', () => {
    const { b, ids, convo } = chat(6);
    b.send('alice', { ...text('bob', 'tagged'), tags: ['t'] });
    b.send('bob', text('alice', 'in thread'), { parentId: ids[0] });
    b.messages.delete(ids[1]!, false, 'bob');
    const texts = (q: Parameters<Backend['history']>[0]) => b.history({ conversationId: convo, limit: 100, ...q }).messages.map((m) => m.data.text ?? m.data.action);
    expect(texts({ sender: 'bob', categories: ['message'], hideDeleted: true, hideReplies: true })).toEqual(['m4', 'm6']);
    expect(texts({ onlyDeleted: true, category: 'message' })).toEqual(['m2']);
    expect(texts({ tags: ['t'] })).toEqual(['tagged']);
    expect(texts({ searchKey: 'THREAD' })).toEqual(['in thread']);
    expect(texts({ parentId: ids[0] })).toEqual(['in thread']);
    expect(texts({ category: 'action' })).toEqual(['deleted']);
    const third = b.message(ids[2]!)!;
    expect(texts({ fromTimestamp: third.sentAt, toTimestamp: third.sentAt })).toEqual(['m3']);
  });

  it('hides a conversation reset for the user who reset it only; counts unread after the read mark', () => {
    const { b, ids, convo } = chat(4);
    expect(b.conversations.get(convo, 'alice').unreadMessageCount).toBe(2);
    b.markRead(convo, 'alice', ids[1]);
    expect(b.conversations.get(convo, 'alice').unreadMessageCount).toBe(1);
    b.conversations.markUnread(convo, 'alice', ids[1]!);
    expect(b.conversations.get(convo, 'alice').unreadMessageCount).toBe(2);
    b.conversations.reset(convo, 'alice');
    expect(b.history({ conversationId: convo, viewer: 'alice' }).messages).toEqual([]);
    expect(b.history({ conversationId: convo, viewer: 'bob' }).messages).toHaveLength(4);
    expect(b.conversations.list('alice')).toEqual([]);
    expect(b.conversations.list('bob').map((c) => c.conversationId)).toEqual([convo]);
  });

  it(`keeps the newest ${HISTORY_PER_CONVERSATION} messages of a conversation`, () => {
    const b = backend();
    let first = '';
    for (let i = 0; i < HISTORY_PER_CONVERSATION + 5; i++) {
      const m = b.send('alice', text('bob', `m${i}`));
      first ||= m.id;
    }
    expect(b.message(first)).toBeUndefined();
    expect(b.history({ conversationId: 'alice_user_bob', limit: 100, affix: 'append' }).messages[0]!.data.text).toBe('m5');
    expect(b.allMessages()).toHaveLength(HISTORY_PER_CONVERSATION);
  });
});

describe('roles', () => {
  it('creates, restricts and allows features; the default role and a role in use stay', () => {
    const b = backend();
    b.roles.create({ role: 'manager', name: 'Manager' });
    expect(code(() => b.roles.create({ role: 'manager', name: 'again' }))).toBe('400 ERR_ROLE_ALREADY_EXISTS');
    expect(b.roles.restrict('manager', ['u.listUsers', 'u.nothing'])['u.nothing']!.success).toBe(false);
    expect(b.roles.restricted('manager').map((f) => f.key)).toEqual(['u.listUsers']);
    b.roles.allow('manager', [], true);
    expect(b.roles.restricted('manager')).toEqual([]);
    b.users.create({ uid: 'dave', name: 'Dave', role: 'manager' });
    expect(code(() => b.roles.remove('manager'))).toBe('400 ERR_ROLE_IN_USE');
    expect(code(() => b.roles.remove('default'))).toBe('400 ERR_DEFAULT_ROLE');
  });
});

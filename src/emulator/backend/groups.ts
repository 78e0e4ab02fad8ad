// Groups, their members and scopes, and banned users.
import { storeMemberAction } from './actions.js';
import { fail, invalid } from './errors.js';
import { DUPLICATE_GUID_STATUS, SYSTEM_SENDER } from './facts.js';
import type { DomainContext, PerUid } from './context.js';
import type { Group, GroupType, Json, Member, Scope } from './model.js';

export interface MembersInput {
  admins?: string[];
  moderators?: string[];
  participants?: string[];
  usersToBan?: string[];
}

export interface GroupInput {
  guid: string;
  name: string;
  type: GroupType;
  password?: string;
  icon?: string;
  description?: string;
  metadata?: Json;
  owner?: string;
  tags?: string[];
  members?: MembersInput;
}

export type GroupPatch = Partial<Omit<GroupInput, 'guid' | 'members'>>;

export interface GroupFilter {
  searchKey?: string;
  searchIn?: string[];
  sortBy?: 'name' | 'guid' | 'createdAt';
  sortOrder?: 'asc' | 'desc';
  tags?: string[];
  types?: string[];
  /** Only groups `viewer` has (or has not) joined. */
  hasJoined?: boolean;
  viewer?: string;
  updatedAt?: number;
}

const GUID = /^[a-zA-Z0-9_-]{1,100}$/;
const UNSETTABLE = ['icon', 'description', 'metadata', 'tags'] as const;
const ROLE_SCOPES: [keyof MembersInput, Scope][] = [['admins', 'admin'], ['moderators', 'moderator'], ['participants', 'participant']];

export class Groups {
  constructor(private readonly ctx: DomainContext) {}

  private get store() {
    return this.ctx.store;
  }

  /** The group, or undefined: for callers that only ask. */
  find(guid: string): Group | undefined {
    return this.store.groups.get(guid.toLowerCase());
  }

  get(guid: string): Group {
    return this.store.groups.get(guid.toLowerCase()) ?? fail(404, 'ERR_GUID_NOT_FOUND', `The GUID ${guid} does not exist.`);
  }

  /** `onBehalfOf` without `owner` makes that user the owner [S: the create-group example]; the owner is an admin. */
  create(input: GroupInput, onBehalfOf?: string): { group: Group; members?: Record<string, PerUid> } {
    const guid = input.guid.toLowerCase();
    if (!GUID.test(guid)) invalid('guid', 'The guid may only contain letters, numbers, dashes and underscores, at most 100 characters.');
    if (this.store.groups.has(guid)) fail(DUPLICATE_GUID_STATUS, 'ERR_GUID_ALREADY_EXISTS', `The guid ${guid} already exists. Please use another guid.`);
    if (input.type === 'password' && !input.password) invalid('password', 'The password field is required when type is password.');
    const ownerUid = (input.owner ?? onBehalfOf)?.toLowerCase();
    const owner = ownerUid !== undefined ? (this.store.activeUser(ownerUid) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${ownerUid} does not exist.`)) : undefined;
    const { members, ...fields } = input;
    const at = this.store.now();
    const group: Group = { ...fields, guid, ...(owner ? { owner: owner.uid } : {}), createdAt: at, members: new Map(), banned: new Map() };
    if (owner) group.members.set(owner.uid, { uid: owner.uid, scope: 'admin', joinedAt: at });
    this.store.groups.set(guid, group);
    return { group, ...(members ? { members: this.addMembers(guid, members, owner?.uid) } : {}) };
  }

  /** A group with exactly these participants (tests and seeds): created or refilled. */
  ensure(guid: string, options: { name?: string; members?: string[] } = {}): Group {
    const key = guid.toLowerCase();
    const group = this.store.groups.get(key) ?? this.create({ guid: key, name: options.name ?? key, type: 'public' }).group;
    const at = this.store.now();
    for (const uid of options.members ?? []) if (!group.members.has(uid)) group.members.set(uid, { uid, scope: 'participant', joinedAt: at });
    return group;
  }

  /** A member placed silently (seeds: no "added" action message); an existing member takes the scope. */
  seedMember(guid: string, uid: string, scope: Scope): Member {
    const group = this.get(guid);
    const user = this.store.activeUser(uid.toLowerCase()) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
    const member = group.members.get(user.uid) ?? { uid: user.uid, scope, joinedAt: this.store.now() };
    member.scope = scope;
    group.members.set(user.uid, member);
    return member;
  }

  list(filter: GroupFilter = {}): Group[] {
    const search = filter.searchKey?.toLowerCase();
    const fields = filter.searchIn?.length ? filter.searchIn : ['guid', 'name'];
    const groups = [...this.store.groups.values()].filter((g) => {
      if (search && !fields.some((f) => String((g as unknown as Json)[f] ?? '').toLowerCase().includes(search))) return false;
      if (filter.tags?.length && !filter.tags.some((t) => g.tags?.includes(t))) return false;
      if (filter.types?.length && !filter.types.includes(g.type === 'password' && filter.types.includes('protected') ? 'protected' : g.type)) return false;
      if (filter.hasJoined !== undefined && filter.viewer && g.members.has(filter.viewer) !== filter.hasJoined) return false;
      if (filter.updatedAt !== undefined && (g.updatedAt ?? g.createdAt) < filter.updatedAt) return false;
      // A private group is listed only to its members when someone is named [I].
      if (g.type === 'private' && filter.viewer && !g.members.has(filter.viewer)) return false;
      return true;
    });
    const key = filter.sortBy ?? 'createdAt';
    const sign = filter.sortOrder === 'desc' ? -1 : 1;
    return groups.sort((a, b) => sign * (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
  }

  /** A new owner must be a member and becomes an admin [I]. */
  update(guid: string, patch: GroupPatch, unset: string[] = []): Group {
    const group = this.get(guid);
    for (const field of unset) {
      if (!(UNSETTABLE as readonly string[]).includes(field)) invalid('unset', `${field} cannot be unset (only ${UNSETTABLE.join(', ')}).`);
      delete group[field as (typeof UNSETTABLE)[number]];
    }
    const type = patch.type ?? group.type;
    if (type === 'password' && !(patch.password ?? group.password)) invalid('password', 'The password field is required when type is password.');
    if (patch.owner !== undefined) {
      const owner = patch.owner.toLowerCase();
      const member = group.members.get(owner) ?? fail(400, 'ERR_NOT_A_MEMBER', `The user ${owner} is not a member of the group ${group.guid}: add them before making them owner.`);
      member.scope = 'admin';
      patch = { ...patch, owner };
    }
    Object.assign(group, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    if (type !== 'password') delete group.password;
    group.updatedAt = this.store.now();
    return group;
  }

  remove(guid: string): void {
    const group = this.get(guid);
    this.store.groups.delete(group.guid);
    this.store.forgetConversation(`group_${group.guid}`);
  }

  /** Each uid answered on its own: a member already there gets ERR_ALREADY_JOINED [S: the add-members example]. */
  addMembers(guid: string, input: MembersInput, by: string = SYSTEM_SENDER): Record<string, PerUid> {
    const group = this.get(guid);
    const out: Record<string, PerUid> = {};
    for (const [field, scope] of ROLE_SCOPES) {
      const uids = input[field];
      if (!uids) continue;
      const results: PerUid = (out[field] = {});
      for (const raw of uids) {
        const uid = raw.toLowerCase();
        if (!this.store.activeUser(uid)) results[raw] = { success: false, error: { code: 'ERR_UID_NOT_FOUND', message: `The UID ${raw} does not exist.` } };
        else if (group.members.has(uid)) results[raw] = { success: false, error: { code: 'ERR_ALREADY_JOINED', message: `The user with UID ${uid} is already a member of the group with GUID ${group.guid}.` } };
        else if (group.banned.has(uid)) results[raw] = { success: false, error: { code: 'ERR_BANNED_GROUPMEMBER', message: `The user with UID ${uid} is banned from the group with GUID ${group.guid}.` } };
        else {
          group.members.set(uid, { uid, scope, joinedAt: this.store.now() });
          const action = storeMemberAction(this.ctx, group, 'added', by, uid, { scope });
          results[raw] = { success: true, data: action };
        }
      }
    }
    if (input.usersToBan) {
      const results: PerUid = (out.usersToBan = {});
      for (const raw of input.usersToBan) {
        try {
          this.ban(guid, raw, by);
          results[raw] = { success: true };
        } catch (e) {
          results[raw] = { success: false, error: { code: (e as { code?: string }).code ?? 'ERR_BAD_REQUEST', message: (e as Error).message } };
        }
      }
    }
    return out;
  }

  members(guid: string, filter: { scopes?: string[]; status?: string } = {}): Member[] {
    const group = this.get(guid);
    return [...group.members.values()].filter((m) => {
      if (filter.scopes?.length && !filter.scopes.includes(m.scope)) return false;
      if (filter.status && this.store.users.get(m.uid)?.status !== filter.status) return false;
      return true;
    });
  }

  member(guid: string, uid: string): Member {
    const group = this.get(guid);
    return group.members.get(uid.toLowerCase()) ?? fail(403, 'ERR_NOT_A_MEMBER', `The user ${uid} is not a member of the group ${group.guid}.`);
  }

  /** The owner's scope stays admin [I]. */
  changeScope(guid: string, uid: string, scope: Scope, by: string = SYSTEM_SENDER): Member {
    const group = this.get(guid);
    const member = this.member(guid, uid);
    if (group.owner === member.uid && scope !== 'admin') fail(403, 'ERR_GROUP_OWNER_SCOPE', `${member.uid} owns the group ${group.guid}: transfer ownership before changing their scope.`);
    const old = member.scope;
    member.scope = scope;
    storeMemberAction(this.ctx, group, 'scopeChanged', by, member.uid, { oldScope: old, newScope: scope });
    return member;
  }

  /** The owner cannot be kicked or banned [I]. */
  kick(guid: string, uid: string, by: string = SYSTEM_SENDER): void {
    const group = this.get(guid);
    const member = this.member(guid, uid);
    if (group.owner === member.uid) fail(403, 'ERR_GROUP_OWNER_KICK', `${member.uid} owns the group ${group.guid} and cannot be kicked: transfer ownership first.`);
    group.members.delete(member.uid);
    storeMemberAction(this.ctx, group, 'kicked', by, member.uid);
  }

  ban(guid: string, uid: string, by: string = SYSTEM_SENDER): void {
    const group = this.get(guid);
    const user = this.store.activeUser(uid.toLowerCase()) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
    if (group.owner === user.uid) fail(403, 'ERR_GROUP_OWNER_KICK', `${user.uid} owns the group ${group.guid} and cannot be banned: transfer ownership first.`);
    if (group.banned.has(user.uid)) fail(400, 'ERR_ALREADY_BANNED', `The user with UID ${user.uid} is already banned from the group ${group.guid}.`);
    group.members.delete(user.uid);
    group.banned.set(user.uid, this.store.now());
    storeMemberAction(this.ctx, group, 'banned', by, user.uid);
  }

  unban(guid: string, uid: string, by: string = SYSTEM_SENDER): void {
    const group = this.get(guid);
    const key = uid.toLowerCase();
    if (!group.banned.delete(key)) fail(400, 'ERR_NOT_BANNED', `The user with UID ${key} is not banned from the group ${group.guid}.`);
    storeMemberAction(this.ctx, group, 'unbanned', by, key);
  }

  banned(guid: string): { uid: string; at: number }[] {
    return [...this.get(guid).banned].map(([uid, at]) => ({ uid, at }));
  }
}

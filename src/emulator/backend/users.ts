// Users and what hangs off a user: auth tokens, friends, blocked users.
import { randomBytes } from 'node:crypto';
import { fail, invalid } from './errors.js';
import { DUPLICATE_UID_STATUS } from './facts.js';
import type { DomainContext, PerUid } from './context.js';
import type { AuthToken, Json, User } from './model.js';

export interface UserInput {
  uid: string;
  name: string;
  avatar?: string;
  link?: string;
  role?: string;
  statusMessage?: string;
  metadata?: Json;
  tags?: string[];
}

export type UserPatch = Partial<Omit<UserInput, 'uid'>>;
export const UNSETTABLE_USER_FIELDS = ['avatar', 'link', 'metadata', 'statusMessage', 'tags'] as const;

export interface UserFilter {
  searchKey?: string;
  searchIn?: ('name' | 'uid')[];
  status?: 'available' | 'offline';
  role?: string;
  roles?: string[];
  tags?: string[];
  onlyDeactivated?: boolean;
  withDeactivated?: boolean;
}

const UID = /^[a-zA-Z0-9_-]{1,100}$/;

export class Users {
  constructor(private readonly ctx: DomainContext) {}

  private get store() {
    return this.ctx.store;
  }

  /** An active user, or CometChat's 404 (a deactivated user is not found either [S: error guide]). */
  get(uid: string): User {
    return this.store.activeUser(uid.toLowerCase()) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist, please make sure you have created a user with UID ${uid}.`);
  }

  /** The user, deactivated or not, or undefined: for showing members and entities. */
  find(uid: string): User | undefined {
    return this.store.users.get(uid.toLowerCase());
  }

  create(input: UserInput): User {
    const uid = input.uid.toLowerCase();
    if (!UID.test(uid)) invalid('uid', 'The uid may only contain letters, numbers, dashes and underscores, at most 100 characters.');
    if (this.store.users.has(uid)) fail(DUPLICATE_UID_STATUS, 'ERR_UID_ALREADY_EXISTS', `The uid ${uid} already exists. Please use another uid or try after permanently deleting the user.`);
    if (input.role !== undefined && !this.store.roles.has(input.role)) fail(404, 'ERR_ROLE_NOT_FOUND', `The role ${input.role} does not exist.`);
    const user: User = { ...input, uid, role: input.role ?? 'default', status: 'offline', createdAt: this.store.now() };
    this.store.users.set(uid, user);
    return user;
  }

  /** The user, created with `name` (default: the uid) when it does not exist; reactivated if deactivated. */
  ensure(uid: string, name?: string): User {
    const key = uid.toLowerCase();
    const user = this.store.users.get(key);
    if (user) {
      delete user.deactivatedAt;
      return user;
    }
    return this.create({ uid: key, name: name ?? key });
  }

  list(filter: UserFilter = {}): User[] {
    const search = filter.searchKey?.toLowerCase();
    const fields = filter.searchIn?.length ? filter.searchIn : ['uid', 'name'];
    return [...this.store.users.values()].filter((u) => {
      if (filter.onlyDeactivated ? u.deactivatedAt === undefined : !filter.withDeactivated && u.deactivatedAt !== undefined) return false;
      if (search && !fields.some((f) => String(u[f as 'uid' | 'name']).toLowerCase().includes(search))) return false;
      if (filter.status && u.status !== filter.status) return false;
      if (filter.role && u.role !== filter.role) return false;
      if (filter.roles?.length && !filter.roles.includes(u.role)) return false;
      if (filter.tags?.length && !filter.tags.some((t) => u.tags?.includes(t))) return false;
      return true;
    });
  }

  update(uid: string, patch: UserPatch, unset: string[] = []): User {
    const user = this.get(uid);
    if (patch.role !== undefined && !this.store.roles.has(patch.role)) fail(404, 'ERR_ROLE_NOT_FOUND', `The role ${patch.role} does not exist.`);
    for (const field of unset) {
      if (!(UNSETTABLE_USER_FIELDS as readonly string[]).includes(field)) invalid('unset', `${field} cannot be unset (only ${UNSETTABLE_USER_FIELDS.join(', ')}).`);
      delete user[field as (typeof UNSETTABLE_USER_FIELDS)[number]];
    }
    Object.assign(user, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    user.updatedAt = this.store.now();
    return user;
  }

  /** Without `permanent` a delete only deactivates [S]. */
  remove(uid: string, permanent: boolean): void {
    const key = uid.toLowerCase();
    const user = this.store.users.get(key) ?? fail(404, 'ERR_UID_NOT_FOUND', `The UID ${uid} does not exist.`);
    if (!permanent) {
      user.deactivatedAt = this.store.now();
      return;
    }
    this.store.users.delete(key);
    this.store.tokens.delete(key);
    this.store.friends.delete(key);
    this.store.blocked.delete(key);
    for (const group of this.store.groups.values()) group.members.delete(key);
  }

  deactivate(uids: string[]): string[] {
    const done: string[] = [];
    for (const uid of uids.map((u) => u.toLowerCase())) {
      const user = this.store.activeUser(uid);
      if (!user) continue;
      user.deactivatedAt = this.store.now();
      done.push(uid);
    }
    return done;
  }

  /** The uids now active: reactivated ones and ones that were never deactivated [S: nonDeactivatedUids]. */
  reactivate(uids: string[]): string[] {
    const done: string[] = [];
    for (const uid of uids.map((u) => u.toLowerCase())) {
      const user = this.store.users.get(uid);
      if (!user) continue;
      delete user.deactivatedAt;
      done.push(uid);
    }
    return done;
  }

  // Auth tokens: what a back end mints for its app's users (SDK logins).

  /** Without `force`, an existing token is given again [I]; with it, a new one is always made. */
  createToken(uid: string, force = false): AuthToken {
    const user = this.get(uid);
    const list = this.store.tokens.get(user.uid) ?? [];
    if (!force && list.length > 0) return list[list.length - 1]!;
    const at = this.store.now();
    const token: AuthToken = { uid: user.uid, authToken: `${user.uid}_${at}${randomBytes(16).toString('hex')}`, createdAt: at };
    list.push(token);
    this.store.tokens.set(user.uid, list);
    return token;
  }

  tokens(uid: string): AuthToken[] {
    return [...(this.store.tokens.get(this.get(uid).uid) ?? [])];
  }

  token(uid: string, authToken: string): AuthToken {
    const user = this.get(uid);
    return this.store.tokens.get(user.uid)?.find((t) => t.authToken === authToken) ?? fail(404, 'ERR_AUTH_TOKEN_NOT_FOUND', `The auth token ${authToken} does not exist for the UID ${user.uid}.`);
  }

  updateToken(uid: string, authToken: string, patch: Pick<AuthToken, 'platform' | 'userAgent' | 'appInfo'>): AuthToken {
    const token = this.token(uid, authToken);
    Object.assign(token, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    token.updatedAt = this.store.now();
    return token;
  }

  deleteToken(uid: string, authToken: string): void {
    const token = this.token(uid, authToken);
    const list = this.store.tokens.get(token.uid)!;
    list.splice(list.indexOf(token), 1);
  }

  flushTokens(uid: string): void {
    this.store.tokens.delete(this.get(uid).uid);
  }

  // Friends: accepted both ways at once, as the REST API creates them [S: "status accepted"].

  addFriends(uid: string, friends: string[]): PerUid {
    const user = this.get(uid);
    const out: PerUid = {};
    for (const raw of friends) {
      const other = raw.toLowerCase();
      const friend = this.store.activeUser(other);
      if (!friend) out[raw] = { success: false, error: { code: 'ERR_UID_NOT_FOUND', message: `The UID ${raw} does not exist.` } };
      else if (friend.uid === user.uid) out[raw] = { success: false, error: { code: 'ERR_BAD_REQUEST', message: 'A user cannot befriend itself.' } };
      else {
        this.link(user.uid, friend.uid);
        this.link(friend.uid, user.uid);
        out[raw] = { success: true, message: 'Created relationship with status accepted.' };
      }
    }
    return out;
  }

  friends(uid: string, searchKey?: string): User[] {
    const search = searchKey?.toLowerCase();
    return [...(this.store.friends.get(this.get(uid).uid) ?? [])]
      .map((f) => this.store.activeUser(f))
      .filter((f): f is User => f !== undefined && (!search || f.uid.includes(search) || f.name.toLowerCase().includes(search)));
  }

  removeFriends(uid: string, friends: string[]): void {
    const user = this.get(uid);
    for (const other of friends.map((f) => f.toLowerCase())) {
      this.store.friends.get(user.uid)?.delete(other);
      this.store.friends.get(other)?.delete(user.uid);
    }
  }

  private link(a: string, b: string): void {
    const set = this.store.friends.get(a) ?? new Set<string>();
    set.add(b);
    this.store.friends.set(a, set);
  }

  // Blocked users: a block stops one-to-one messages both ways [I: ERR_BLOCKED_RECEIVER on send].

  block(uid: string, blockedUids: string[]): PerUid {
    const user = this.get(uid);
    const out: PerUid = {};
    const list = this.store.blocked.get(user.uid) ?? new Map<string, number>();
    for (const raw of blockedUids) {
      const other = this.store.activeUser(raw.toLowerCase());
      if (!other) out[raw] = { success: false, error: { code: 'ERR_UID_NOT_FOUND', message: `The UID ${raw} does not exist.` } };
      else {
        list.set(other.uid, this.store.now());
        out[raw] = { success: true, message: `The user with UID ${user.uid} has blocked user with UID ${other.uid} successfully.` };
      }
    }
    this.store.blocked.set(user.uid, list);
    return out;
  }

  unblock(uid: string, blockedUids: string[]): PerUid {
    const user = this.get(uid);
    const out: PerUid = {};
    for (const raw of blockedUids) {
      const removed = this.store.blocked.get(user.uid)?.delete(raw.toLowerCase());
      out[raw] = removed
        ? { success: true, message: `The user with UID ${user.uid} has unblocked user with UID ${raw} successfully.` }
        : { success: false, error: { code: 'ERR_NOT_BLOCKED', message: `The user ${raw} is not blocked by ${user.uid}.` } };
    }
    return out;
  }

  blocked(uid: string): { user: User; at: number }[] {
    return [...(this.store.blocked.get(this.get(uid).uid) ?? [])].flatMap(([other, at]) => {
      const user = this.store.users.get(other);
      return user ? [{ user, at }] : [];
    });
  }

  /** Whether either of two users blocked the other. */
  isBlockedBetween(a: string, b: string): boolean {
    return Boolean(this.store.blocked.get(a)?.has(b) || this.store.blocked.get(b)?.has(a));
  }
}


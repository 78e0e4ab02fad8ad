// Roles and the features a role may not use.
import { fail, invalid } from './errors.js';
import { RESTRICTABLE_FEATURES } from './facts.js';
import type { DomainContext, PerUid } from './context.js';
import type { Json, Role } from './model.js';

export interface RoleInput {
  role: string;
  name: string;
  description?: string;
  metadata?: Json;
  settings?: Json;
}

const UNSETTABLE = ['description', 'metadata', 'settings'] as const;

export class Roles {
  constructor(private readonly ctx: DomainContext) {}

  /** The role every new app has and every user gets by default. */
  seed(): void {
    this.ctx.store.roles.set('default', { role: 'default', name: 'Default Role', description: 'This role gives full access', createdAt: this.ctx.store.now(), restricted: new Map() });
  }

  get(role: string): Role {
    return this.ctx.store.roles.get(role) ?? fail(404, 'ERR_ROLE_NOT_FOUND', `The role ${role} does not exist.`);
  }

  list(): Role[] {
    return [...this.ctx.store.roles.values()];
  }

  create(input: RoleInput): Role {
    if (!/^[a-zA-Z0-9_-]{1,100}$/.test(input.role)) invalid('role', 'The role may only contain letters, numbers, dashes and underscores.');
    if (this.ctx.store.roles.has(input.role)) fail(400, 'ERR_ROLE_ALREADY_EXISTS', `The role ${input.role} already exists.`);
    const role: Role = { ...input, createdAt: this.ctx.store.now(), restricted: new Map() };
    this.ctx.store.roles.set(role.role, role);
    return role;
  }

  update(name: string, patch: Partial<Omit<RoleInput, 'role'>>, unset: string[] = []): Role {
    const role = this.get(name);
    for (const field of unset) {
      if (!(UNSETTABLE as readonly string[]).includes(field)) invalid('unset', `${field} cannot be unset (only ${UNSETTABLE.join(', ')}).`);
      delete role[field as (typeof UNSETTABLE)[number]];
    }
    Object.assign(role, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    role.updatedAt = this.ctx.store.now();
    return role;
  }

  /** The default role, and a role users still have, cannot go [I]. */
  remove(name: string): void {
    this.get(name);
    if (name === 'default') fail(400, 'ERR_DEFAULT_ROLE', 'The default role cannot be deleted.');
    if ([...this.ctx.store.users.values()].some((u) => u.role === name)) fail(400, 'ERR_ROLE_IN_USE', `The role ${name} is assigned to users; give them another role first.`);
    this.ctx.store.roles.delete(name);
  }

  restrict(name: string, features: string[]): PerUid {
    const role = this.get(name);
    const out: PerUid = {};
    for (const key of features) {
      if (!RESTRICTABLE_FEATURES[key]) out[key] = { success: false, error: { code: 'ERR_INVALID_FEATURE', message: `The feature ${key} does not exist.` } };
      else {
        role.restricted.set(key, this.ctx.store.now());
        out[key] = { success: true, message: `The feature ${key} has been restricted successfully.` };
      }
    }
    return out;
  }

  restricted(name: string): { key: string; createdAt: number }[] {
    return [...this.get(name).restricted].map(([key, createdAt]) => ({ key, createdAt }));
  }

  allow(name: string, features: string[], all: boolean): void {
    const role = this.get(name);
    if (all) role.restricted.clear();
    else for (const key of features) role.restricted.delete(key);
  }
}

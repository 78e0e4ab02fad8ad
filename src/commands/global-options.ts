// The global flags as every command sees them: --profile (or COMETBOT_PROFILE), --json, --no-color.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { DEFAULT_PROFILE } from '../core/profile.js';
import { readEnv } from '../env.js';
import { UsageError } from '../errors.js';

export interface GlobalOptions {
  profile: string;
  json: boolean;
  color: boolean;
}

export function globalOptions(cmd: Command, deps: Pick<Deps, 'env'>): GlobalOptions {
  const o = cmd.optsWithGlobals() as { profile?: string; json?: boolean; color?: boolean };
  const profile = o.profile ?? readEnv(deps.env).profile ?? DEFAULT_PROFILE;
  checkProfileName(profile, o.profile !== undefined ? '--profile' : 'COMETBOT_PROFILE');
  return { profile, json: Boolean(o.json), color: o.color !== false };
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** A profile name is a key in config.json: a plain word, never one of JavaScript's object internals. */
function checkProfileName(name: string, source: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || RESERVED.has(name)) {
    throw new UsageError(`invalid profile name ${JSON.stringify(name)} (${source})`, 'use letters, digits, ".", "-" and "_", e.g. --profile staging');
  }
}

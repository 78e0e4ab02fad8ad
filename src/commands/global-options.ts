// The global flags as every command sees them: --profile (or COMETBOT_PROFILE), --json, --no-color.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';
import { DEFAULT_PROFILE } from '../core/profile.js';
import { readEnv } from '../env.js';

export interface GlobalOptions {
  profile: string;
  json: boolean;
  color: boolean;
}

export function globalOptions(cmd: Command, deps: Pick<Deps, 'env'>): GlobalOptions {
  const o = cmd.optsWithGlobals() as { profile?: string; json?: boolean; color?: boolean };
  return { profile: o.profile ?? readEnv(deps.env).profile ?? DEFAULT_PROFILE, json: Boolean(o.json), color: o.color !== false };
}

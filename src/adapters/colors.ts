// The one colour decision and the only chalk import. NO_COLOR is honoured here (chalk does not).
import type { ChalkInstance } from 'chalk';
import { readEnv, type Env } from '../env.js';

export type Colors = ChalkInstance;
export type ChalkClass = typeof import('chalk').Chalk;

/** chalk is loaded on first use, never on the start-up path. */
export async function loadChalk(): Promise<ChalkClass> {
  return (await import('chalk')).Chalk;
}

export function wantsColor(stream: { isTTY?: boolean }, env: Env, noColorFlag: boolean): boolean {
  const settings = readEnv(env);
  if (noColorFlag || settings.noColor) return false;
  if (settings.forceColor) return true;
  return Boolean(stream.isTTY);
}

export function createColors(enabled: boolean, Chalk: ChalkClass): Colors {
  return new Chalk({ level: enabled ? 1 : 0 });
}

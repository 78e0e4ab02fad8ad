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

export function createColors(enabled: boolean, Chalk: ChalkClass | undefined): Colors {
  return enabled && Chalk ? new Chalk({ level: 1 }) : plainColors();
}

/**
 * Colours that are off: every style (chained as chalk's are: c.red.bold(x)) returns the text as it
 * is. Output off a terminal (CI logs, pipes) needs no chalk, so it is not even loaded.
 */
export function plainColors(): Colors {
  const style: unknown = new Proxy(function (...text: unknown[]) {
    return text.join(' ');
  }, {
    get: (_target, key) => (key === 'level' ? 0 : style),
  });
  return style as Colors;
}

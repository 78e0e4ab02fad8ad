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
  // A plain function whose every style property is itself: no Proxy on the per-request path (listen).
  // One argument (the per-request case) is returned without building an array to join.
  const style = Object.assign((text: unknown, ...more: unknown[]) => (more.length === 0 ? (text == null ? '' : String(text)) : [text, ...more].join(' ')), { level: 0 }) as unknown as Record<string, unknown>;
  for (const name of STYLES) style[name] = style;
  return style as unknown as Colors;
}

/** chalk's modifiers and colours: every name a chained style can use. */
const STYLES = [
  'reset', 'bold', 'dim', 'italic', 'underline', 'overline', 'inverse', 'hidden', 'strikethrough', 'visible',
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey',
  'blackBright', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright',
  'bgBlack', 'bgRed', 'bgGreen', 'bgYellow', 'bgBlue', 'bgMagenta', 'bgCyan', 'bgWhite', 'bgGray', 'bgGrey',
  'bgBlackBright', 'bgRedBright', 'bgGreenBright', 'bgYellowBright', 'bgBlueBright', 'bgMagentaBright', 'bgCyanBright', 'bgWhiteBright',
];

import { readFileSync } from 'node:fs';

/** Set by the bundler at build time; absent when running the plain tsc output. */
declare const __COMETBOT_VERSION__: string | undefined;

let cached: string | undefined;
/** The version from package.json (inlined into the bundle, read from disk otherwise). */
export function version(): string {
  if (typeof __COMETBOT_VERSION__ === 'string') return __COMETBOT_VERSION__;
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}

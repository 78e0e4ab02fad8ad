import { readFileSync } from 'node:fs';

let cached: string | undefined;
/** The version from package.json, read once (dist/ sits next to package.json). */
export function version(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}

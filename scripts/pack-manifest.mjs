// `npm ci` in a clone builds through the `prepare` script, but a packed tarball must not carry it: npm 11
// warns about an install script it cannot run there. `prepack` sets it aside (as `_prepare`) and
// `postpack` puts it back; both are idempotent, so an interrupted pack is mended by the next one.
import { readFileSync, writeFileSync } from 'node:fs';

// A manifest may be named (the project's tests use a copy); the default is this project's.
const file = process.argv[3] ?? new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(file, 'utf8'));
const mode = process.argv[2];
if (mode !== 'strip' && mode !== 'restore') {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore [package.json]');
  process.exit(2);
}
const [from, to] = mode === 'strip' ? ['prepare', '_prepare'] : ['_prepare', 'prepare'];
// Renamed in place, so the file reads the same after a pack as before it.
manifest.scripts = Object.fromEntries(Object.entries(manifest.scripts).map(([name, command]) => [name === from ? to : name, command]));
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);

// Bundles the CLI entry so start-up loads one small file instead of a tree of modules.
// One file: modules reached through import() are bundled but only evaluated when called. npm
// packages stay external and are imported with import() where they are used (got, chalk, inquirer,
// ngrok), so none of them loads for --version or --help.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/bundle/main.js',
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander is on every start-up path: bundling it saves resolving and loading a CommonJS package.
  external: ['got', 'chalk', '@inquirer/prompts', '@ngrok/ngrok', 'json-schema-to-typescript', 'hpagent', 'yaml', 'xmlbuilder2'],
  banner: { js: "import { createRequire as __cometbotCreateRequire } from 'node:module';\nconst require = __cometbotCreateRequire(import.meta.url);" },
  define: { __COMETBOT_VERSION__: JSON.stringify(version) },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

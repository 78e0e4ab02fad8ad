// Bundles the CLI so start-up loads two small files instead of a tree of modules: the entry
// (commander, main, the command summaries) and the bundle of the one command being run.
// npm packages stay external and are imported with import() where they are used (got, chalk, inquirer,
// ngrok…), so none of them loads for --version or --help.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';

// Files the bot-process wing hands to a bot as they are (tsc compiles only TypeScript).
cpSync(new URL('../src/bot-process/python', import.meta.url), new URL('../dist/bot-process/python', import.meta.url), { recursive: true });
import { readFileSync, readdirSync } from 'node:fs';

// commander requires node:child_process only to run executable subcommands (git-style), which cometbot
// never has; loading it costs ~1.5 ms of every start-up, so the bundle gives commander an empty stand-in.
const noChildProcessForCommander = {
  name: 'no-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'commander-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'commander-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

// An ESM `import … from 'node:fs'` makes Node build the module's whole ESM face, which touches its
// lazy parts (fs/promises, streams, readline…). Bundled as require() instead, a built-in loads only
// when a module that uses it is first evaluated.
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

// The entry loads each command's own bundle (dist/bundle/commands/<verb>.js) with import(). The test
// runner is not bundled into its command: a bundle hoists its modules' npm imports (yaml, xmlbuilder2)
// to the top, so `cometbot test --help` would load them; the command imports it from dist/testing/.
const layout = {
  name: 'layout',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\// }, (args) => (args.kind === 'dynamic-import' && args.importer.endsWith('main.ts') ? { path: args.path, external: true } : undefined));
    b.onResolve({ filter: /^\.\/[a-z-]+-run\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: `./commands/${args.path.slice(2)}`, external: true } : undefined));
    // Likewise the bot-process wing (the X.509 library, and a preload found next to its own module).
    b.onResolve({ filter: /^\.\.\/(testing|bot-process|scaffold)\// }, (args) => (args.kind === 'dynamic-import' ? { path: `../${args.path}`, external: true } : undefined));
  },
};

// Commands whose flags and help live in the entry (test) are bundled as their `-run` half only.
const IN_ENTRY = ['summaries.ts', 'context.ts', 'global-options.ts', 'test.ts'];
// A bundle for each command (a file that registers one) and each `-run` half; helpers go inside them.
const commands = readdirSync('src/commands')
  .filter((f) => f.endsWith('.ts') && !IN_ENTRY.includes(f) && (f.endsWith('-run.ts') || /export function register[A-Z]/.test(readFileSync(`src/commands/${f}`, 'utf8'))))
  .map((f) => `src/commands/${f}`);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['src/main.ts', ...commands],
  outdir: 'dist/bundle',
  outbase: 'src',
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [noChildProcessForCommander, builtinsAsRequire, layout],
  external: ['got', 'chalk', '@inquirer/prompts', '@ngrok/ngrok', 'json-schema-to-typescript', 'hpagent', 'yaml', 'xmlbuilder2'],
  banner: { js: "import { createRequire as __cometbotCreateRequire } from 'node:module';\nconst require = __cometbotCreateRequire(import.meta.url);" },
  define: { __COMETBOT_VERSION__: JSON.stringify(version) },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The run's certificate authority, with its X.509 and ASN.1 libraries in one file: loaded as the
// libraries' hundreds of CommonJS modules it costs ~280 ms of every `test -- COMMAND` and `dev`
// start, bundled ~110 ms. It replaces tsc's output of the same module (routing.js imports ./ca.js).
await build({
  entryPoints: ['src/bot-process/ca.ts'],
  outfile: 'dist/bot-process/ca.js',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [builtinsAsRequire],
  banner: { js: "import { createRequire as __cometbotCreateRequire } from 'node:module';\nconst require = __cometbotCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

#!/usr/bin/env node
// Thin shim: the compiled entry does the work; no TypeScript loader on the start-up path.
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`error: cometbot needs Node.js 20 or newer (this is ${process.version})\nhint: install Node.js 20+ from https://nodejs.org\n`);
  process.exit(1);
}
// A closed pipe (cometbot … | head) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main, createDeps, reportEscapes } = await import('../dist/bundle/main.js');
const deps = createDeps();
reportEscapes(process, deps, (code) => process.exit(code));
const code = await main(process.argv.slice(2), deps);
// Cancelled (Ctrl-C at a prompt, or a second Ctrl-C in listen), or a stdout nobody reads: leave now.
if (code === 130 || deps.exitNow) process.exit(code);
process.exitCode = code;

// Rewrites README.md's list of the operations the emulator serves from the built emulator (run after
// `npm run build`). A test fails when README and the emulator disagree, so the list is never hand-kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { Emulator } from '../dist/emulator/server.js';
import { README_END, README_START, operationsMarkdown } from '../dist/emulator/operations-table.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(README_START);
const end = readme.indexOf(README_END);
if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
const ops = new Emulator({ seed: false }).operations();
writeFileSync(path, `${readme.slice(0, start + README_START.length)}\n${operationsMarkdown(ops)}${readme.slice(end)}`);
console.log(`README.md lists ${ops.length} operations`);

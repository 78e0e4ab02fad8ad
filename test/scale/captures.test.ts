// The slow in-process checks, kept out of the fast lane (npm run test:fast): the TypeScript compiler on
// the generated types, and a 150,000-record capture file.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { main } from '../../src/main.js';
import { makeDeps, tempHome } from '../helpers/deps.js';
import { writeCaptureFile } from '../helpers/captures.js';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function home() {
  const h = tempHome();
  writeCaptureFile(join(h, 'captures'));
  return h;
}

async function run(args: string[], h: string) {
  const deps = makeDeps({ home: h });
  const code = await main(args, deps);
  return { code, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
}

/** Compares with a committed golden file; UPDATE_GOLDEN=1 rewrites it. A missing golden fails. */
function golden(name: string, actual: string) {
  const path = join(GOLDEN, name);
  if (update) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `golden file ${name} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('captures schema --format typescript', () => {
  it('TypeScript golden that compiles with tsc', async () => {
    const r = await run(['captures', 'schema', '--format', 'typescript'], home());
    expect(r.code).toBe(0);
    golden('payload.d.ts', r.stdout);
    expect(r.stdout).toContain('export type CometChatCallback = AfterMessageCallback | MessageSentCallback;');
    expect(r.stdout).toMatch(/trigger: "after_message";/);
    const dir = tempHome();
    // As a .ts file, so skipLibCheck skips only TypeScript's own lib files (the slow part), not ours.
    writeFileSync(join(dir, 'payload.ts'), r.stdout);
    // The union narrows on trigger, as a bot's handler would use it.
    writeFileSync(join(dir, 'use.ts'), `import type { CometChatCallback } from './payload';\nexport const f = (p: CometChatCallback): string | undefined => (p.trigger === 'after_message' ? p.data.receiverType : p.data.message.receiverType);\n`);
    const program = ts.createProgram([join(dir, 'use.ts')], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

});

describe('large capture files (bounded memory, no argument-count limits)', () => {
  it('lists the newest N of 150,000 records, finds one by id, and infers a schema by streaming', async () => {
    const h = tempHome();
    mkdirSync(join(h, 'captures'));
    const lines: string[] = [];
    for (let i = 1; i <= 150_000; i++) {
      lines.push(JSON.stringify({ id: `big001-${i}`, receivedAt: '2026-11-25T12:00:00.000Z', method: 'POST', path: '/', status: 200, verdict: 'accepted', remoteAddress: '127.0.0.1', headers: {}, bytes: 20, json: true, body: { trigger: 'after_message', data: { id: String(i) } } }));
    }
    writeFileSync(join(h, 'captures', '2026-11-25T12-00-00-000Z-big001.jsonl'), `${lines.join('\n')}\n`);
    const list = await run(['--json', 'captures', 'list', '--limit', '3'], h);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((r: { id: string }) => r.id)).toEqual(['big001-150000', 'big001-149999', 'big001-149998']);
    const byDefault = JSON.parse((await run(['--json', 'captures', 'list'], h)).stdout);
    expect(byDefault).toHaveLength(50);
    const shown = JSON.parse((await run(['--json', 'captures', 'show', 'big001-75000'], h)).stdout);
    expect(shown.body.data.id).toBe('75000');
    const schema = JSON.parse((await run(['captures', 'schema'], h)).stdout);
    expect(schema.description).toContain('150000 captured payloads');
  }, 60_000);

});

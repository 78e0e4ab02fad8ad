// What ships and what a newcomer meets: the templates checked as code, the packed file list, README's
// emulator walkthrough (demo's next steps are checked with the demo, in demo-emulate.test.ts).
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/deps.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cometbot new: what ships', () => {
  it('templates are checked as code: the TypeScript bot type-checks strictly, the Node one parses, the Python one compiles', () => {
    const work = tempHome();
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true }, files: [join(ROOT, 'templates/typescript/bot.ts')] };
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(work, 'package.json'), '{"type":"module"}');
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const node = spawnSync(process.execPath, ['--check', join(ROOT, 'templates/node/bot.js')], { encoding: 'utf8' });
    expect(node.stderr).toBe('');
    const python = spawnSync('python3', ['-c', 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")', join(ROOT, 'templates/python/bot.py')], { encoding: 'utf8' });
    expect(python.stderr).toBe('');
    expect(python.status).toBe(0);
  });

  it('the package ships examples/ and the templates (dot files included), and its manifest carries no install-time script', () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(packed.status, packed.stderr).toBe(0);
    const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['examples/echo-bot/bot.js', 'examples/echo-bot/echo.convo.yaml', 'templates/shared/dot-gitignore', 'templates/node/dot-github/workflows/bot-tests.yml', 'templates/python/bot.py', 'templates/typescript/bot.ts']));
    // prepack sets `prepare` aside (npm 11 warns about it when a tarball is installed) and postpack restores it.
    const manifest = join(tempHome(), 'package.json');
    const original = readFileSync(join(ROOT, 'package.json'), 'utf8');
    writeFileSync(manifest, original);
    const script = join(ROOT, 'scripts/pack-manifest.mjs');
    expect(spawnSync(process.execPath, [script, 'strip', manifest]).status).toBe(0);
    const stripped = JSON.parse(readFileSync(manifest, 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(stripped.scripts)).not.toContain('prepare');
    expect(Object.keys(stripped.scripts).filter((s) => /^(pre|post)?install$/.test(s))).toEqual([]);
    expect(spawnSync(process.execPath, [script, 'strip', manifest]).status).toBe(0); // idempotent
    expect(spawnSync(process.execPath, [script, 'restore', manifest]).status).toBe(0);
    expect(readFileSync(manifest, 'utf8')).toBe(original);
  });

  it("README's emulator walkthrough works as written: its curl commands create the bot a webhook reaches", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Without an account'), readme.indexOf('## Test your bot'));
    const curls = section.split('\n').filter((l) => l.startsWith('curl '));
    expect(curls).toHaveLength(2);
    const { Emulator } = await import('../../src/emulator/server.js');
    const emulator = new Emulator({ port: 0 });
    await emulator.start();
    try {
      const port = new URL(emulator.baseUrl).port;
      for (const line of curls) {
        // Not spawnSync: the emulator answering curl runs in this process's event loop.
        const curl = spawn('bash', ['-c', `${line.replace('127.0.0.1:4747', `127.0.0.1:${port}`)} --silent --show-error --fail-with-body`], { stdio: ['ignore', 'pipe', 'pipe'] });
        let said = '';
        curl.stdout.on('data', (d) => (said += d));
        curl.stderr.on('data', (d) => (said += d));
        const [code] = (await once(curl, 'exit')) as [number];
        expect(code, said).toBe(0);
      }
      expect(emulator.backend.bots.find('my-bot')).toMatchObject({ enabled: true, webhookURL: 'http://localhost:3000/bot' });
    } finally {
      await emulator.close();
    }
  });

});

import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TEMPLATES, fill, planFiles, templateInfo } from '../../src/scaffold/plan.js';
import { writeScaffold } from '../../src/scaffold/write.js';
import { parseConvo } from '../../src/core/convo/parse.js';
import { tempHome } from '../helpers/deps.js';

const EVERY_TEMPLATE_WRITES = ['.env.example', '.github/workflows/bot-tests.yml', '.gitignore', 'README.md', 'tests/bot.convo.yaml'];

describe('cometbot new: the template plan', () => {
  it.each(TEMPLATES)('%s: every file, dot names restored, no placeholder left', (name) => {
    const files = planFiles(name, 'weather-bot');
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([...EVERY_TEMPLATE_WRITES, templateInfo(name).file]));
    expect(paths).not.toContain('template.json');
    expect(paths.filter((p) => p.includes('dot-'))).toEqual([]);
    for (const f of files) expect(f.content, f.path).not.toMatch(/\{\{\w+\}\}/);
    const convo = files.find((f) => f.path === 'tests/bot.convo.yaml')!.content;
    expect(parse(convo)).toMatchObject({ bot: 'weather-bot' });
    expect(files.find((f) => f.path === templateInfo(name).file)!.content).toContain("'weather-bot'".replace(/'/g, name === 'python' ? '"' : "'"));
  });

  it.each(TEMPLATES)('%s: the conversation file is valid for the runner and covers what a bot gets wrong', (name) => {
    const dir = tempHome();
    writeScaffold({ dir, files: planFiles(name, 'my-bot'), force: false, shownAs: dir });
    const parsed = parseConvo(readFileSync(join(dir, 'tests/bot.convo.yaml'), 'utf8'), 'tests/bot.convo.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const steps = JSON.stringify(parsed.file.tests.map((t) => t.steps));
    for (const needle of ['"group":"support"', '"mention":["my-bot"]', '"thread":"last"', '"redeliver"', '"status":429']) expect(steps).toContain(needle);
  });

  it.each(TEMPLATES)('%s: .env.example names every setting and holds no value that could be a secret', (name) => {
    const env = planFiles(name, 'my-bot').find((f) => f.path === '.env.example')!.content;
    const set = Object.fromEntries(env.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=') as [string, string]));
    expect(Object.keys(set).sort()).toEqual(['COMETCHAT_API_KEY', 'COMETCHAT_API_URL', 'COMETCHAT_APP_ID', 'COMETCHAT_BOT_UID', 'COMETCHAT_CALLBACK_PASSWORD', 'COMETCHAT_CALLBACK_USERNAME', 'COMETCHAT_REGION', 'PORT']);
    expect(set.COMETCHAT_API_KEY).toBe('');
    expect(set.COMETCHAT_CALLBACK_PASSWORD).toBe('');
  });

  it('an unknown placeholder is a template bug, named', () => {
    expect(() => fill('hi {{nope}}', { uid: 'x' }, 'bot.js')).toThrow('template bot.js uses an unknown placeholder {{nope}}');
  });
});

describe('cometbot new: writing into a folder', () => {
  const files = [
    { path: 'bot.js', content: 'bot' },
    { path: 'tests/bot.convo.yaml', content: 'tests' },
  ];

  it('creates the folder and its subfolders', () => {
    const dir = join(tempHome(), 'a', 'b');
    writeScaffold({ dir, files, force: false, shownAs: 'a/b' });
    expect(readFileSync(join(dir, 'tests/bot.convo.yaml'), 'utf8')).toBe('tests');
  });

  it('refuses a folder that is not empty, exit 2, and writes nothing', () => {
    const dir = tempHome();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => writeScaffold({ dir, files, force: false, shownAs: 'here' })).toThrow(expect.objectContaining({ message: 'here is not empty', exitCode: 2 }));
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a file where the folder should be', () => {
    const dir = join(tempHome(), 'f');
    writeFileSync(dir, 'x');
    expect(() => writeScaffold({ dir, files, force: true, shownAs: 'f' })).toThrow(expect.objectContaining({ message: 'f exists and is not a folder', exitCode: 2 }));
  });

  it('--force replaces the template files and keeps the others', () => {
    const dir = tempHome();
    writeFileSync(join(dir, 'bot.js'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeScaffold({ dir, files, force: true, shownAs: dir });
    expect(readFileSync(join(dir, 'bot.js'), 'utf8')).toBe('bot');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('never writes through a link: a linked file is replaced, a linked folder refused', () => {
    const outside = tempHome();
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const dir = tempHome();
    symlinkSync(victim, join(dir, 'bot.js'));
    writeScaffold({ dir, files: [files[0]!], force: true, shownAs: dir });
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(join(dir, 'bot.js')).isSymbolicLink()).toBe(false);

    const linked = tempHome();
    symlinkSync(outside, join(linked, 'tests'));
    expect(() => writeScaffold({ dir: linked, files, force: true, shownAs: 'x' })).toThrow(expect.objectContaining({ message: 'tests in x is a link', exitCode: 2 }));
    expect(existsSync(join(outside, 'bot.convo.yaml'))).toBe(false);
  });

  it('a template path that would leave the folder is refused before anything is written there', () => {
    const root = tempHome();
    const dir = join(root, 'bot');
    mkdirSync(dir);
    expect(() => writeScaffold({ dir, files: [{ path: '../escape.txt', content: 'x' }], force: false, shownAs: 'bot' })).toThrow(/leaves the folder/);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
  });
});

describe('cometbot new: the TypeScript template is the Node one typed', () => {
  it('with the types stripped, the two bots are the same program (they cannot drift apart)', async () => {
    const ts = (await import('typescript')).default;
    const { readFileSync: read } = await import('node:fs');
    const { join: joinPath } = await import('node:path');
    const { templatesRoot } = await import('../../src/scaffold/plan.js');
    const plain = (file: string) => ts.transpileModule(read(joinPath(templatesRoot(), file), 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true } }).outputText;
    expect(plain('typescript/bot.ts')).toBe(plain('node/bot.js'));
  });
});

import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/main.js';
import { makeDeps, scriptedPrompts, tempHome } from '../helpers/deps.js';

describe('cometbot new (in-process, prompt seam)', () => {
  it('on a terminal without --template, asks for the language and writes that template', async () => {
    const prompts = scriptedPrompts(['python']);
    const deps = makeDeps({ tty: true, prompts });
    const dir = join(tempHome(), 'bot');
    expect(await main(['new', dir], deps)).toBe(0);
    expect(prompts.asked).toEqual(["The bot's language"]);
    expect(existsSync(join(dir, 'bot.py'))).toBe(true);
    expect(deps.stdout.text()).toContain('cometbot test -- python3 bot.py');
  });

  it('never asks off a terminal, with --yes, or with --template: Node.js by default', async () => {
    for (const [args, tty] of [[[], false], [['--yes'], true], [['--template', 'ts'], true]] as const) {
      const deps = makeDeps({ tty, prompts: scriptedPrompts([]) });
      const dir = join(tempHome(), 'bot');
      expect(await main(['new', dir, ...args], deps)).toBe(0);
      expect(readdirSync(dir)).toContain(args[1] === 'ts' ? 'bot.ts' : 'bot.js');
    }
  });

  it('a folder that is not empty is refused before the question is asked', async () => {
    const dir = tempHome();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const prompts = scriptedPrompts([]);
    const deps = makeDeps({ tty: true, prompts });
    expect(await main(['new', dir], deps)).toBe(2);
    expect(prompts.asked).toEqual([]);
    expect(deps.stderr.text()).toContain(`error: ${dir} is not empty`);
  });
});

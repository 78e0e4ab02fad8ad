import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { reportEscapes } from '../../src/main.js';
import { makeDeps } from '../helpers/deps.js';

describe('a defect that escapes every command', () => {
  it('a throw in a timer: one error line, the bug hint, exit 1 — no stack trace', () => {
    const proc = new EventEmitter();
    const deps = makeDeps({ env: { COMETBOT_DEBUG: undefined } });
    const exits: number[] = [];
    reportEscapes(proc, deps, (code) => exits.push(code));
    proc.emit('uncaughtException', new ReferenceError("Cannot access 'again' before initialization"));
    expect(deps.stderr.text()).toBe("error: Cannot access 'again' before initialization\nhint: this looks like a bug in cometbot; run again with COMETBOT_DEBUG=1 and report the output\n");
    expect(exits).toEqual([1]);
  });

  it('a rejection nobody awaited is reported the same way; COMETBOT_DEBUG=1 adds the stack', () => {
    const proc = new EventEmitter();
    const deps = makeDeps({ env: { COMETBOT_DEBUG: '1' } });
    const exits: number[] = [];
    reportEscapes(proc, deps, (code) => exits.push(code));
    proc.emit('unhandledRejection', new Error('lost'));
    expect(deps.stderr.text()).toMatch(/^error: lost\nError: lost\n\s+at /);
    expect(exits).toEqual([1]);
  });
});

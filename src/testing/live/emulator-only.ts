// What only the emulator can do: inject a fault, deliver a callback again, time the bot's answer to a
// callback. Live (`test --live`), a case that needs one of these is skipped, saying which and where.
import type { ConvoCase } from '../../core/convo/model.js';

export function emulatorOnlyReason(c: ConvoCase): string | undefined {
  if (c.skip) return undefined; // skipped already, for its own reason
  for (const step of c.steps) {
    if (step.kind === 'fault') return `emulator only: the fault step (line ${step.pos.line}) cannot be injected into a real app`;
    if (step.kind === 'redeliver') return `emulator only: the redeliver step (line ${step.pos.line}) needs the callback, which only the emulator delivers`;
  }
  if (c.ackWithinSet) return "emulator only: ackWithin (the bot's answer to a callback is timed only by the emulator)";
  return undefined;
}

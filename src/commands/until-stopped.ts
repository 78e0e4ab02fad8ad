// Ctrl-C and SIGTERM for long-running commands, one behaviour everywhere: the first signal asks for a
// clean stop, a second one forces it (the command then exits 130 without waiting).
import type { EventEmitter } from 'node:events';

export interface StopSignals {
  /** Settles at the first SIGINT or SIGTERM. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Settles at the second: stop waiting for anything. */
  readonly forced: Promise<NodeJS.Signals>;
  /** Stops listening for signals (idempotent). */
  dispose(): void;
}

export function untilStopped(signals: EventEmitter): StopSignals {
  let count = 0;
  let onStop: (s: NodeJS.Signals) => void = () => undefined;
  let onForce: (s: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (onStop = resolve));
  const forced = new Promise<NodeJS.Signals>((resolve) => (onForce = resolve));
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      count += 1;
      if (count === 1) onStop(name);
      else onForce(name);
    };
    signals.on(name, handler);
    return [name, handler] as const;
  });
  return {
    stopped,
    forced,
    dispose: () => {
      for (const [name, handler] of handlers) signals.off(name, handler);
    },
  };
}

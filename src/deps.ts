// The dependencies every command receives, built once by the entry point and swapped by tests.
import type { Env } from './env.js';
import type { Prompts } from './adapters/prompts.js';
import type { TunnelOpener } from './adapters/tunnel.js';

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}
export interface OutStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface Deps {
  env: Env;
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  now: () => Date;
  /** Lazily created: inquirer is only loaded when a prompt is really shown. */
  prompts: () => Promise<Prompts>;
  /** Lazily created: @ngrok/ngrok is only loaded when a tunnel is really opened. */
  openTunnel: () => Promise<TunnelOpener>;
  randomBytes: (n: number) => Uint8Array;
  /** Where shutdown signals come from; tests emit on their own emitter. */
  signals: NodeJS.EventEmitter;
  /**
   * Set by a command that gave up on a stalled stdout: the entry point then ends the process at once
   * rather than wait for a reader that may never come (queued output keeps a process alive).
   */
  exitNow?: boolean;
  /** Waits between retries; tests pass one that does not wait. */
  sleep: (ms: number) => Promise<void>;
}

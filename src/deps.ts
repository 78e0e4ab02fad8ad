// The dependencies every command receives, built once by the entry point and swapped by tests.
// The seams are declared here; adapters implement them (the arrows point from adapters to this file).
import type { Env } from './env.js';

export interface Choice {
  value: string;
  name?: string;
}

/** Questions for a person at a terminal (inquirer in production, a script in tests). */
export interface Prompts {
  input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(q: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  select(q: { message: string; choices: Choice[]; default?: string }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
}

export interface TunnelOptions {
  /** Local address to forward to, e.g. 127.0.0.1:3978. */
  addr: string;
  authtoken: string;
  domain?: string;
  /** ngrok's edge checks these too, so junk traffic never reaches the machine. Omitted = no edge auth. */
  basicAuth?: { username: string; password: string };
  onStatus?: (status: string) => void;
}

export interface Tunnel {
  readonly url: string;
  close(): Promise<void>;
}

/** Opens the public URL (@ngrok/ngrok in production, a local pass-through in tests). */
export type TunnelOpener = (options: TunnelOptions) => Promise<Tunnel>;

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
  /** The folder relative paths are read from (the process's; a test's own folder in-process). */
  cwd: () => string;
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
  /**
   * Process-wide tuning for a long-running server (listen caps V8's young generation); returns the
   * undo. Absent in tests, which share one process with other tests.
   */
  tuneForServer?: () => Promise<() => void>;
}

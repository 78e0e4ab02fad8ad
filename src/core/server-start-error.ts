// The one way a server that could not start is told: a port in use names the port (and what may hold
// it), anything else names the error code; the hint says which flag to change.
import { CliError } from '../errors.js';

export interface StartErrorContext {
  /** What could not start: "the emulator", "the inspector". */
  what: string;
  /** The port as the user chose it: "port 4747", "--api-port 4747", "inspector port 3979". */
  port: string;
  /** Who may already hold the port, when it is likely known. */
  holder?: string;
  hint: string;
}

export function serverStartError(e: unknown, c: StartErrorContext): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new CliError(`${c.port} is already in use${c.holder ? ` (is ${c.holder} running?)` : ''}`, c.hint);
  return new CliError(`cannot start ${c.what} (${code ?? (e as Error).message})`, c.hint);
}

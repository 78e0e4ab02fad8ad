// Typed errors. Commands throw these; main.ts is the one place that turns them into exit codes.

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

/**
 * Marks cometbot's errors. Each command runs from its own bundle with its own copy of these classes,
 * so main.ts recognises them by this mark, never by instanceof.
 */
const CLI_ERROR = Symbol.for('cometbot.CliError');

export class CliError extends Error {
  readonly [CLI_ERROR] = true;
  readonly exitCode: number = EXIT.failure;
  /** Set when the command already reported the failure (a test report): print nothing more. */
  readonly reported: boolean = false;
  /** The next step the user should take, printed as `hint:` under the error line. */
  readonly hint?: string;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad flag, bad value, missing value with no TTY: exit 2, nothing sent. */
export class UsageError extends CliError {
  override readonly exitCode = EXIT.usage;
}

/** Ctrl-C at a prompt. */
export class CancelledError extends CliError {
  override readonly exitCode = EXIT.cancelled;
  constructor(message = 'cancelled', hint = 'nothing more was done; run the command again when ready') {
    super(message, hint);
  }
}

/** CometChat answered with its error envelope (or a non-2xx without one). */
export class ApiError extends CliError {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    hint?: string,
  ) {
    super(`${code}: ${message}`, hint);
  }
}

/** The command already reported why it failed (a test report): exit with the code, print nothing more. */
export class ReportedFailure extends CliError {
  override readonly reported = true;
  constructor(override readonly exitCode: number) {
    super('reported');
  }
}

/** DNS, connection refused, reset, timeout: the request never got an answer. */
export class NetworkError extends CliError {}

/** Config file unreadable, corrupt or unwritable. */
export class ConfigError extends CliError {}

/** True for any cometbot error, from whichever bundle it was thrown. */
export function isCliError(e: unknown): e is CliError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[CLI_ERROR] === true;
}

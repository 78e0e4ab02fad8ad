// A refusal as CometChat words it: the HTTP status, the error code clients branch on, and a message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function fail(status: number, code: string, message: string, details?: Record<string, string[]>): never {
  throw new ApiError(status, code, message, details);
}

/** CometChat's validation failure: 400 ERR_BAD_REQUEST with the field's reason in `details`. */
export function invalid(field: string, reason: string): never {
  return fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { [field]: [reason] });
}

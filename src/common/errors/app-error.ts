import { ErrorCode } from '#src/common/errors/error-code.js';

/**
 * The one error type services throw. Transport layers (HTTP filter, Socket.IO acks) map the code
 * to a status; the message is shown to the caller, so it never carries internals.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
    /** Extra response headers, such as Retry-After on RATE_LIMITED. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  status_code: number;
  error: ErrorCode;
  message: string;
  details: unknown[];
  request_id: string;
}

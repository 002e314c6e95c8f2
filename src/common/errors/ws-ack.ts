import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { AppError } from '#src/common/errors/app-error.js';
import { ERROR_HTTP_STATUS, ErrorCode } from '#src/common/errors/error-code.js';
import { toAppError } from '#src/common/errors/http-exception.filter.js';

export interface AckError {
  status_code: number;
  error: ErrorCode;
  message: string;
  details: unknown[];
}

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: AckError };

const logger = new Logger('SocketAck');

/**
 * Runs a Socket.IO handler and turns its outcome into the contract's acknowledgement:
 * `{ok: true, ...}` or `{ok: false, error: {status_code, error, message}}`, with the same codes
 * as HTTP. Unknown faults are logged and answered as internal errors, never thrown at the socket.
 */
export async function ack<T extends object>(work: () => Promise<T>): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (thrown) {
    return ackFailure(thrown, 'in a socket handler');
  }
}

/** The refusing acknowledgement for anything thrown; unknown faults are logged first. */
export function ackFailure(thrown: unknown, where: string): { ok: false; error: AckError } {
  const error = toAppError(thrown);
  if (error.code === ErrorCode.INTERNAL) logger.error({ err: thrown }, `Unhandled error ${where}`);
  return ackError(error);
}

/** The refusing acknowledgement for an AppError, in the contract's shape. */
export function ackError(error: AppError): { ok: false; error: AckError } {
  return {
    ok: false,
    error: { status_code: ERROR_HTTP_STATUS[error.code], error: error.code, message: error.message, details: error.details },
  };
}

/**
 * Gateway filter for what fails before a handler's own `ack` (a pipe refusing the payload, a
 * guard): answered through the event's acknowledgement callback in the contract's shape, never as
 * Nest's `exception` event. Without a callback there is no one to answer, so it is only logged.
 */
@Catch()
export class WsAckExceptionFilter implements ExceptionFilter {
  catch(thrown: unknown, host: ArgumentsHost): void {
    const answer = ackFailure(thrown, 'before a socket handler');
    const reply = host.getArgs().findLast((arg: unknown) => typeof arg === 'function') as ((answer: unknown) => void) | undefined;
    reply?.(answer);
  }
}

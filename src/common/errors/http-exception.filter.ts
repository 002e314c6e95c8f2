import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { bearerToken } from '#src/common/auth/bearer-token.js';
import { pgErrorCode } from '#src/common/database/pg-errors.js';
import { AppError, type ErrorBody } from '#src/common/errors/app-error.js';
import { ERROR_HTTP_STATUS, ErrorCode } from '#src/common/errors/error-code.js';
import { type RequestWithId, requestIdOf } from '#src/common/http/request-id.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  422: ErrorCode.VALIDATION_FAILED,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Errors raised by body-parser before any route runs carry a `type` and a `status`. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/**
 * A failed health check's body reduced to `[{name: status}]` for each dependency: driver messages
 * (hosts, ports, database and user names) stay out of the public answer.
 */
function dependencyStatuses(response: unknown): Record<string, string>[] {
  const details = (response as { details?: unknown } | null)?.details;
  if (typeof details !== 'object' || details === null) return [];
  return Object.entries(details as Record<string, { status?: unknown }>).map(([name, value]) => ({ [name]: String(value?.status ?? 'down') }));
}

/** Turns anything thrown into an AppError; unknown faults become INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HttpException && isBodyParserError(error.cause)) return toAppError(error.cause);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST);
    const response = error.getResponse();
    if (code === ErrorCode.SERVICE_UNAVAILABLE) {
      return new AppError(code, 'A dependency is unavailable', dependencyStatuses(response));
    }
    if (code === ErrorCode.NOT_FOUND) return new AppError(code, 'Not found');
    if (code === ErrorCode.PAYLOAD_TOO_LARGE) return new AppError(code, 'The request is too large');
    const message = typeof response === 'object' && response !== null && 'message' in response
      ? String((response as { message: unknown }).message)
      : error.message;
    return new AppError(code, code === ErrorCode.INTERNAL ? 'Internal server error' : message);
  }
  // SQLSTATE class 22 (data exception: a value PostgreSQL cannot store or compare) can only come
  // from input that passed validation; it is the caller's value that is wrong, not the service.
  if (pgErrorCode(error)?.startsWith('22')) return new AppError(ErrorCode.VALIDATION_FAILED, 'A value in the request is not valid');
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') return new AppError(ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON');
    if (error.type === 'entity.too.large') return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large');
    if (error.status === 415) return new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content encoding or charset');
    if (error.status >= 400 && error.status < 500) return new AppError(ErrorCode.BAD_REQUEST, 'The request body could not be read');
  }
  return new AppError(ErrorCode.INTERNAL, 'Internal server error');
}

const logger = new Logger('HttpExceptionFilter');

/**
 * The challenge every 401 carries (RFC 9110 §11.6.1, RFC 6750 §3): `Bearer`, with
 * `error="invalid_token"` when the request did send a bearer token and it was refused.
 */
export function bearerChallenge(req: Pick<RequestWithId, 'headers'>): string {
  return bearerToken(req.headers.authorization) === null ? 'Bearer' : 'Bearer error="invalid_token"';
}

/** The contract's error body for an error (also sent as an SSE `error` event once a stream has begun). */
export function errorBody(error: AppError, requestId: string): ErrorBody {
  return { status_code: ERROR_HTTP_STATUS[error.code], error: error.code, message: error.message, details: error.details, request_id: requestId };
}

/** Writes anything thrown as the contract's error body, with the request id; logs server faults. */
export function sendError(req: RequestWithId, res: Response, exception: unknown): void {
  const error = toAppError(exception);
  const status = ERROR_HTTP_STATUS[error.code];
  if (status >= 500 && error.code !== ErrorCode.SERVICE_UNAVAILABLE) {
    logger.error({ err: exception, requestId: requestIdOf(req) }, 'Unhandled error');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = errorBody(error, requestIdOf(req));
  if (status === 401) res.setHeader('WWW-Authenticate', bearerChallenge(req));
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(status).json(body);
}

/** The one HTTP error filter: every error leaves in the contract's shape with a request id. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendError(ctx.getRequest<RequestWithId>(), ctx.getResponse<Response>(), exception);
  }
}

/** The last Express handler: unknown paths outside the API prefix get the same 404 body. */
export function notFoundHandler(req: RequestWithId, res: Response): void {
  sendError(req, res, new AppError(ErrorCode.NOT_FOUND, 'Not found'));
}

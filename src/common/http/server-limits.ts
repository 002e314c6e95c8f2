import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_HTTP_STATUS, ErrorCode } from '#src/common/errors/error-code.js';

export interface ServerLimits {
  /** All request headers must arrive within this time, counted from the request's first byte. */
  headersTimeoutSeconds: number;
  /** The whole request, body included, must arrive within this time. */
  requestTimeoutSeconds: number;
}

/**
 * What Node refuses before the application sees a request, and how to answer it. The codes beyond
 * ErrorCode exist only here: the application itself never answers 408 or 431.
 */
const NODE_REFUSALS: Record<string, { status: number; error: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, error: 'request_header_fields_too_large', message: 'The request headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: ERROR_HTTP_STATUS[ErrorCode.PAYLOAD_TOO_LARGE], error: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The chunk extensions are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'request_timeout', message: 'The request was not received in time' },
};
const MALFORMED = { status: ERROR_HTTP_STATUS[ErrorCode.BAD_REQUEST], error: ErrorCode.BAD_REQUEST, message: 'The request is not valid HTTP' };

/** The raw HTTP/1.1 answer to a request Node refused, in the contract's error shape. */
export function clientErrorResponse(code: string | undefined): string {
  const refusal = (code && NODE_REFUSALS[code]) || MALFORMED;
  const requestId = randomUUID();
  const body = JSON.stringify({ status_code: refusal.status, error: refusal.error, message: refusal.message, details: [], request_id: requestId });
  return (
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Bounds how long a client may take (a client that sends nothing, or dribbles its headers or body,
 * is cut off), and answers what Node refuses before the application (a 20 KB header → 431,
 * malformed HTTP or Content-Length with chunked → 400, a timeout → 408) in the error shape instead
 * of Node's bare text. Node checks the timeouts every `connectionsCheckingInterval`, read when the
 * server starts listening, so this runs before `listen`.
 */
export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutSeconds * 1000;
  server.requestTimeout = limits.requestTimeoutSeconds * 1000;
  // Node's default (30 s) would let a timeout run that much late; a quarter of the headers timeout
  // keeps the overshoot small at the cost of a cheap scan of the expired connections. (A server
  // option Node reads at listen time; @types/node lists it only among the constructor's options.)
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(5_000, Math.max(250, (limits.headersTimeoutSeconds * 1000) / 4));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset connection cannot be answered; nor can one whose response has begun (writing now
    // would corrupt it): the same rule as Node's own handler.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) socket.write(clientErrorResponse(error.code));
    socket.destroy();
  });
}

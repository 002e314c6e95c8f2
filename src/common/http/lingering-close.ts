import type { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { NextFunction, Response } from 'express';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { sendError } from '#src/common/errors/http-exception.filter.js';
import type { RequestWithId } from '#src/common/http/request-id.js';

/** How long a refused request's connection is kept open at most. */
const LINGER_MS = 10_000;
/**
 * How long a connection stays open once the drain has stopped reading: time for a client that was
 * still sending to read the answer (a paused socket cannot see the client leave, so not longer).
 */
const STALLED_MS = 1_000;

/**
 * For an answer given before the request body was read (a refusal): sends `Connection: close`,
 * then reads and discards the rest of the body, at most twice the refused limit `limitBytes`,
 * and closes once the body is read, the client hangs up or LINGER_MS have passed (nginx's
 * lingering close). Past that it stops reading and closes a second later.
 *
 * Why: Node destroys the socket as soon as a `Connection: close` answer is written. With body
 * bytes still unread the kernel then sends a reset, and a client that is still sending (Node's
 * own `fetch`) reports a connection error and loses the answer.
 *
 * Call it before the answer is sent; a body that has already been read needs none of this.
 */
export function closeAfterDraining(req: IncomingMessage, res: ServerResponse, limitBytes: number): void {
  const maxBytes = 2 * limitBytes;
  if (res.headersSent) return;
  res.setHeader('Connection', 'close');
  const socket = req.socket;
  if (req.complete || req.destroyed || socket.destroyed) return;
  req.unpipe(); // whoever was reading the body stops
  let drained = 0;
  let answered = false;
  let bodyRead = false;
  const close = () => socket.destroy();
  const timers = [setTimeout(close, LINGER_MS).unref()];
  socket.once('close', () => timers.forEach(clearTimeout));
  // The answer is out and nothing more will come: close after the last byte is flushed.
  const closeIfDone = () => {
    if (answered && bodyRead) Socket.prototype.destroySoon.call(socket);
  };
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained < maxBytes || req.isPaused()) return;
    req.pause();
    timers.push(setTimeout(close, STALLED_MS).unref());
  });
  req.once('end', () => {
    bodyRead = true;
    closeIfDone();
  });
  // What Node calls once the answer is written: half-close instead of destroying.
  socket.destroySoon = () => {
    answered = true;
    socket.end();
    closeIfDone();
  };
  req.resume();
}

const MULTIPART = /^multipart\/form-data\b/i;

/** A multipart/form-data request (an upload, with limits of its own). */
export const isMultipart = (req: IncomingMessage) => MULTIPART.test(req.headers['content-type'] ?? '');
const tooLarge = () => new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large');

/**
 * Bodies over `limitBytes` (multipart uploads aside: they have limits of their own) are refused
 * with 413 and drained as `closeAfterDraining` does, rather than read to the end by the body
 * parsers first: one declared over the limit before any of it is read, a chunked one as soon as
 * it passes the limit (the parsers then give up on it too, and their late error finds the answer
 * sent).
 */
export function refuseOversizedBodies(limitBytes: number) {
  return (req: RequestWithId, res: Response, next: NextFunction): void => {
    if (isMultipart(req)) return next();
    if (Number(req.headers['content-length']) > limitBytes) {
      closeAfterDraining(req, res, limitBytes);
      return next(tooLarge());
    }
    if (req.headers['transfer-encoding'] !== undefined) {
      // Counts alongside whichever parser reads the body (it starts reading in this same tick).
      let received = 0;
      const count = (chunk: Buffer) => {
        received += chunk.length;
        if (received <= limitBytes) return;
        req.off('data', count);
        if (res.headersSent) return; // answered without waiting for the body
        closeAfterDraining(req, res, limitBytes);
        sendError(req, res, tooLarge());
      };
      req.on('data', count);
    }
    next();
  };
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RequestWithId = Request & { id?: string };

/** Takes the caller's X-Request-Id when it is safe to echo, else makes one; sets the header. */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.id = given && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
}

export function requestIdOf(req: RequestWithId): string {
  return req.id ?? 'unknown';
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RequestWithId } from '#src/common/http/request-id.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The matched route pattern ("/api/v1/tickets/:id"), or "unmatched": the label metrics and logs use. */
export function routeOf(req: Request): string {
  return req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
}

/** What runs once a response has been sent: metrics, the request log. */
export type FinishedHook = (req: RequestWithId, res: Response, seconds: number) => void;

/**
 * The headers a header-setting middleware (helmet) always sets, captured once by running it on a
 * stand-in response, so every request gets them from one loop instead of a chain of middleware.
 * Only for middleware whose headers do not depend on the request.
 */
export function staticHeadersOf(middleware: RequestHandler): [string, string][] {
  const headers = new Map<string, [string, string]>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  let calledNext = false;
  void middleware({ headers: {}, method: 'GET', url: '/' } as Request, res as unknown as Response, () => (calledNext = true));
  if (!calledNext) throw new Error('The header middleware did not finish synchronously');
  return [...headers.values()];
}

/**
 * The one middleware in front of every request: its id (the caller's X-Request-Id when safe to
 * echo, else a new one) in `req.id` and the response header, the static security headers, and one
 * `finish` listener that runs every hook with the request's duration.
 */
export function requestContext(headers: [string, string][], hooks: FinishedHook[]) {
  return (req: RequestWithId, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    for (const [name, value] of headers) res.setHeader(name, value);
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      for (const hook of hooks) hook(req, res, seconds);
    });
    next();
  };
}

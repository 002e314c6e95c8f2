import type { Request } from 'express';

export type RequestWithId = Request & { id?: string };

/** The id given to the request by requestContext (see request-context.ts). */
export function requestIdOf(req: RequestWithId): string {
  return req.id ?? 'unknown';
}

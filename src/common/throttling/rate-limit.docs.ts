import type { OpenAPIObject } from '@nestjs/swagger';
import { isCountedMethod } from '#src/common/throttling/rate-limit.guard.js';

const DESCRIPTION = 'Too many requests from this user or address (see README "Limits"); retry after Retry-After seconds';

const HEADERS = {
  'Retry-After': { description: 'Seconds until the window ends', schema: { type: 'integer', example: 42 } },
  'RateLimit-Policy': { description: 'The policy that refused: name, quota (q) and window in seconds (w)', schema: { type: 'string', example: '"writes-user";q=120;w=60' } },
  RateLimit: { description: 'Requests left (r) and seconds until the window ends (t)', schema: { type: 'string', example: '"writes-user";r=0;t=42' } },
};

/**
 * Documents the 429 of every operation RateLimitGuard counts (every write: per user and per IP;
 * signup and login per IP), and of reads with a limit of their own, in one place, so a new write
 * route is documented as it is limited.
 */
export function documentRateLimits(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      // Reads are not counted by the guard; one with a limit of its own (suggested replies) declares its 429.
      if (!isCountedMethod(method) && !operation.responses['429']) continue;
      operation.responses['429'] = {
        // A route that documents a 429 of its own (failed attempts) keeps its words.
        description: (operation.responses['429'] as { description?: string } | undefined)?.description ?? DESCRIPTION,
        headers: HEADERS,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
      };
    }
  }
  return document;
}

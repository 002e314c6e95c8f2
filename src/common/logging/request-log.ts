import { PinoLogger } from 'nestjs-pino';
import { type FinishedHook, routeOf } from '#src/common/http/request-context.js';

/** Probes whose every call would drown the log. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

/**
 * One log line per finished request: its id, method, path (no query string), matched route,
 * status and duration; never headers or bodies. A requestContext hook, in place of pino-http's
 * middleware, so a request pays for a line only when the level logs it. Service logs carry no
 * request id (nestjs-pino would bind one through AsyncLocalStorage, which on Node 20 taxes every
 * promise of every request); errors carry it through the error filter.
 */
export const requestLog: FinishedHook = (req, res, seconds) => {
  const logger = PinoLogger.root;
  const level = res.statusCode >= 500 ? 'error' : 'info';
  if (!logger?.isLevelEnabled(level)) return;
  if (QUIET_PATHS.has((req.originalUrl ?? req.url).split('?')[0])) return;
  logger[level](
    {
      context: 'HTTP',
      // Through the logger's req and res serialisers (logger.options.ts): id, method, path; status.
      req,
      res,
      route: routeOf(req),
      responseTime: Math.round(seconds * 1000),
    },
    'request completed',
  );
};

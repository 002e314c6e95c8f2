import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { AppConfig } from '#src/config/app-config.js';

type Req = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: string } };

function routeOf(req: Req): string {
  return req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
}

/**
 * Errors as pino serialises them, less what a failed query carries of the caller's data: its bound
 * parameters and the driver's `detail` (e.g. "Key (email)=(…) already exists"). The SQL text and
 * SQLSTATE stay, for diagnosis.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  // TypeORM copies the driver's fields (code, detail, …) onto the QueryFailedError itself.
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  delete serialized.parameters;
  delete serialized.driverError;
  delete serialized.detail;
  return serialized;
}

/**
 * JSON logs, one line per request with its id, method, route, status and duration. Headers,
 * bodies and query strings are left out, so tokens, passwords and message texts never reach logs.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => (req as { id?: string }).id ?? 'unknown',
      serializers: {
        req: (req: Req) => ({ id: req.id as unknown, method: req.method, path: (req.originalUrl ?? req.url ?? '').split('?')[0] }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
      customSuccessObject: (req: Req, _res: ServerResponse, value: Record<string, unknown>) => ({ ...value, route: routeOf(req) }),
      customErrorObject: (req: Req, _res: ServerResponse, _error: Error, value: Record<string, unknown>) => ({ ...value, route: routeOf(req) }),
      redact: { paths: ['req.headers.authorization', 'password', '*.password', 'access_token', '*.access_token'], remove: true },
      autoLogging: { ignore: (req: Req) => req.url === '/health' || req.url === '/metrics' },
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { type DestinationStream, stdSerializers } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig, NodeEnv } from '#src/config/app-config.js';

type Req = IncomingMessage & { id?: unknown; originalUrl?: string };

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

/** Readable colored lines on a terminal during development; JSON lines otherwise (files, pipes, production). */
export function prettyLogs(isTTY: boolean | undefined, nodeEnv: NodeEnv): boolean {
  return isTTY === true && nodeEnv !== 'production';
}

let prettyStream: DestinationStream | undefined;

/**
 * Where every logger of the process writes: undefined (pino's JSON on stdout), or on a terminal
 * during development one shared synchronous pino-pretty stream, so lines keep their order, one
 * line each: `12:00:00.000 INFO: [Context] message GET /path 200 12ms`.
 */
export function logDestination(nodeEnv: NodeEnv): DestinationStream | undefined {
  if (!prettyLogs(process.stdout.isTTY, nodeEnv)) return undefined;
  return (prettyStream ??= pretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime,route',
    messageFormat: '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.path}{end}{if res.statusCode} {res.statusCode}{end}{if responseTime} {responseTime}ms{end}',
    singleLine: true,
  }));
}

/**
 * The root logger's options. No pino-http middleware runs (`forRoutes: []`): the
 * request lines come from requestLog (request-log.ts), through the req and res serialisers below,
 * which keep the id, method and path (no query string) and the status. Headers, bodies and query
 * strings are left out, so tokens, passwords and message texts never reach logs.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      serializers: {
        req: (req: Req) => ({ id: req.id, method: req.method, path: (req.originalUrl ?? req.url ?? '').split('?')[0] }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
      redact: { paths: ['req.headers.authorization', 'password', '*.password', 'access_token', '*.access_token'], remove: true },
      stream: logDestination(config.nodeEnv),
    },
    forRoutes: [],
  };
}

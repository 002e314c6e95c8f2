import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { bearerToken } from '#src/common/auth/bearer-token.js';
import { type FinishedHook, routeOf } from '#src/common/http/request-context.js';
import { AppConfig } from '#src/config/app-config.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A registry per application (not prom-client's global one), so several apps can share a process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** SHA-256 of METRICS_TOKEN: equal-length digests compare in constant time, whatever was sent. */
  private readonly tokenDigest: Buffer | null;

  constructor(config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
    this.tokenDigest = config.metricsToken === null ? null : digest(config.metricsToken);
  }

  /** With METRICS_TOKEN set, the scrape must carry `Authorization: Bearer <METRICS_TOKEN>`; else 401. */
  authorize(authorization: string | undefined): void {
    if (this.tokenDigest === null) return;
    const token = bearerToken(authorization);
    if (token === null || !timingSafeEqual(digest(token), this.tokenDigest)) {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'The metrics token is missing or wrong');
    }
  }

  /** Records a finished request, labelled with its matched route pattern (a requestContext hook). */
  readonly observe: FinishedHook = (req, res, seconds) => {
    this.httpDuration.observe({ method: req.method, route: routeOf(req), status_code: String(res.statusCode) }, seconds);
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

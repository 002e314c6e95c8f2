import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { FinishedHook } from '#src/common/http/request-context.js';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records a finished request, labelled with its matched route pattern (a requestContext hook). */
  readonly observe: FinishedHook = (req, res, seconds) => {
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    this.httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

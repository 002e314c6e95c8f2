import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { Public } from '#src/common/auth/auth.decorators.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Public()
  @Get()
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics', description: 'With METRICS_TOKEN set, requires Authorization: Bearer <METRICS_TOKEN> (401 otherwise).' })
  @ApiOkResponse({ type: String, description: 'The Prometheus text exposition format (0.0.4)' })
  @ApiErrors(401)
  render(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    this.metrics.authorize(authorization);
    // Set here, not with @Header: a refusal must keep the JSON type of the error body.
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.render();
  }
}

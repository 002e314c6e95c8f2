import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '#src/common/auth/auth.decorators.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ type: String, description: 'The Prometheus text exposition format (0.0.4)' })
  render(): Promise<string> {
    return this.metrics.render();
  }
}

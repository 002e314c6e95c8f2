import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { HealthResponseDto, toHealthResponse } from '#src/modules/health/dto/health.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Public()
  @Get()
  // Terminus's own docs describe its 503 body, which the error filter replaces with the error shape
  // (and they are missing whenever its require() of @nestjs/swagger fails, as under Jest): ours instead.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness and readiness: 200 with the database reachable, 503 otherwise' })
  @ApiOkResponse({ type: HealthResponseDto, description: 'Every dependency is up' })
  @ApiErrors(503)
  async check(): Promise<HealthResponseDto> {
    // A failing check throws (503), which the error filter turns into the error shape.
    return toHealthResponse(await this.health.check([() => this.db.pingCheck('database').withTimeout(2000)]));
  }
}

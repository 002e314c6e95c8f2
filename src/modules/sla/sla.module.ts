import { Module } from '@nestjs/common';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { SlaController } from '#src/modules/sla/sla.controller.js';
import { SlaCron } from '#src/modules/sla/sla.cron.js';
import { SlaMonitorService } from '#src/modules/sla/sla-monitor.service.js';
import { SlaRepository } from '#src/modules/sla/sla.repository.js';
import { SlaService } from '#src/modules/sla/sla.service.js';

/** SLA policies, business calendars, deadline math and the minute job. Imports no ticket code. */
@Module({
  imports: [MetricsModule],
  controllers: [SlaController],
  providers: [SlaService, SlaMonitorService, SlaRepository, SlaCron],
  exports: [SlaService, SlaMonitorService],
})
export class SlaModule {}

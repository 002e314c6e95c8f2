import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '#src/common/clock.js';
import { SlaMonitorService } from '#src/modules/sla/sla-monitor.service.js';

/**
 * Every minute, hands the SLA check to the monitor with `now`. No lock: every instance may run it,
 * since each warning and breach is recorded once by its unique row, whoever gets there first.
 */
@Injectable()
export class SlaCron {
  private readonly logger = new Logger(SlaCron.name);
  private running = false;

  constructor(
    private readonly monitor: SlaMonitorService,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE)
  async checkDeadlines(): Promise<void> {
    if (this.running) return; // a slow run is not stacked on by the next minute's
    this.running = true;
    try {
      await this.monitor.run(this.clock.now());
    } catch (error) {
      this.logger.error({ err: error }, 'SLA check failed; the next minute retries');
    } finally {
      this.running = false;
    }
  }
}

import { Module } from '@nestjs/common';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { OutboxCron } from '#src/modules/outbox/outbox.cron.js';
import { OutboxRepository } from '#src/modules/outbox/outbox.repository.js';
import { OutboxService } from '#src/modules/outbox/outbox.service.js';

/** The shared outbox: a module registers a handler per topic and enqueues in its own transactions. */
@Module({
  imports: [MetricsModule],
  providers: [OutboxService, OutboxRepository, OutboxCron],
  exports: [OutboxService],
})
export class OutboxModule {}

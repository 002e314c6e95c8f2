import { Module } from '@nestjs/common';
import { QueuesModule } from '#src/modules/queues/queues.module.js';
import { CsatStatsModule } from '#src/modules/ratings/csat-stats.module.js';
import { SlaModule } from '#src/modules/sla/sla.module.js';
import { AssignmentCron } from '#src/modules/tickets/assignment.cron.js';
import { AssignmentService } from '#src/modules/tickets/assignment.service.js';
import { TicketsController } from '#src/modules/tickets/tickets.controller.js';
import { TicketsRepository } from '#src/modules/tickets/tickets.repository.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import { UsersModule } from '#src/modules/users/users.module.js';
import { CustomFieldsModule } from '#src/modules/custom-fields/custom-fields.module.js';

@Module({
  imports: [UsersModule, QueuesModule, SlaModule, CsatStatsModule, CustomFieldsModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketsRepository, AssignmentService, AssignmentCron],
  exports: [TicketsService, AssignmentService],
})
export class TicketsModule {}

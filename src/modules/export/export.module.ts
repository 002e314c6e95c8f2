import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '#src/modules/custom-fields/custom-fields.module.js';
import { ExportController } from '#src/modules/export/export.controller.js';
import { ExportRepository } from '#src/modules/export/export.repository.js';
import { ExportService } from '#src/modules/export/export.service.js';
import { RatingsModule } from '#src/modules/ratings/ratings.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

/** Data export for reporting and compliance: tickets as CSV or JSON lines, one customer's data as JSON. */
@Module({
  imports: [TicketsModule, UsersModule, CustomFieldsModule, RatingsModule],
  controllers: [ExportController],
  providers: [ExportService, ExportRepository],
})
export class ExportModule {}

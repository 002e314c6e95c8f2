import { Module } from '@nestjs/common';
import { CannedResponsesController } from '#src/modules/canned-responses/canned-responses.controller.js';
import { CannedResponsesRepository } from '#src/modules/canned-responses/canned-responses.repository.js';
import { CannedResponsesService } from '#src/modules/canned-responses/canned-responses.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

@Module({
  imports: [TicketsModule, UsersModule],
  controllers: [CannedResponsesController],
  providers: [CannedResponsesService, CannedResponsesRepository],
})
export class CannedResponsesModule {}

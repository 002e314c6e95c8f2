import { Module } from '@nestjs/common';
import { RateLimitStorageModule } from '#src/common/throttling/rate-limit-storage.module.js';
import { AssistController } from '#src/modules/assist/assist.controller.js';
import { AssistService } from '#src/modules/assist/assist.service.js';
import { KnowledgeModule } from '#src/modules/knowledge/knowledge.module.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { NotesModule } from '#src/modules/notes/notes.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

/** Suggested replies: a language model (or the knowledge base) drafts an answer to a ticket. */
@Module({
  imports: [TicketsModule, MessagesModule, NotesModule, UsersModule, KnowledgeModule, MetricsModule, RateLimitStorageModule],
  controllers: [AssistController],
  providers: [AssistService],
})
export class AssistModule {}

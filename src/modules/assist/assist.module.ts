import { Module } from '@nestjs/common';
import { RateLimitStorageModule } from '#src/common/throttling/rate-limit-storage.module.js';
import { AssistController } from '#src/modules/assist/assist.controller.js';
import { AssistService } from '#src/modules/assist/assist.service.js';
import { CategorisationService } from '#src/modules/assist/categorisation.service.js';
import { LlmService } from '#src/modules/assist/llm.service.js';
import { KnowledgeModule } from '#src/modules/knowledge/knowledge.module.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { NotesModule } from '#src/modules/notes/notes.module.js';
import { QueuesModule } from '#src/modules/queues/queues.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

/** What a language model (or the knowledge base) offers agents: suggested replies, suggested categories. */
@Module({
  imports: [TicketsModule, MessagesModule, NotesModule, UsersModule, QueuesModule, KnowledgeModule, MetricsModule, RateLimitStorageModule],
  controllers: [AssistController],
  providers: [AssistService, CategorisationService, LlmService],
  exports: [LlmService],
})
export class AssistModule {}

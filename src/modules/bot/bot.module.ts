import { Module } from '@nestjs/common';
import { BotIntentsController } from '#src/modules/bot/bot-intents.controller.js';
import { BotIntentsService } from '#src/modules/bot/bot-intents.service.js';
import { BotRepository } from '#src/modules/bot/bot.repository.js';
import { BotService } from '#src/modules/bot/bot.service.js';
import { KnowledgeModule } from '#src/modules/knowledge/knowledge.module.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { NotesModule } from '#src/modules/notes/notes.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TicketsModule, MessagesModule, NotesModule, KnowledgeModule],
  controllers: [BotIntentsController],
  providers: [BotService, BotIntentsService, BotRepository],
  exports: [BotService],
})
export class BotModule {}

import { Module } from '@nestjs/common';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { NotesController } from '#src/modules/notes/notes.controller.js';
import { NotesRepository } from '#src/modules/notes/notes.repository.js';
import { NotesService } from '#src/modules/notes/notes.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TicketsModule, AttachmentsModule],
  controllers: [NotesController],
  providers: [NotesService, NotesRepository],
  exports: [NotesService],
})
export class NotesModule {}

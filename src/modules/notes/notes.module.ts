import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { NoteEntity } from '#src/modules/notes/note.entity.js';
import { NotesController } from '#src/modules/notes/notes.controller.js';
import { NotesRepository } from '#src/modules/notes/notes.repository.js';
import { NotesService } from '#src/modules/notes/notes.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([NoteEntity]), TicketsModule, AttachmentsModule],
  controllers: [NotesController],
  providers: [NotesService, NotesRepository],
  exports: [NotesService],
})
export class NotesModule {}

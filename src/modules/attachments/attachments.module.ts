import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';
import { AttachmentStorage } from '#src/modules/attachments/attachment-storage.js';
import { AttachmentsController } from '#src/modules/attachments/attachments.controller.js';
import { AttachmentsCron } from '#src/modules/attachments/attachments.cron.js';
import { AttachmentsRepository } from '#src/modules/attachments/attachments.repository.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import { MultipartUpload } from '#src/modules/attachments/multipart-upload.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

/** Files on messages, notes and tickets. Messages and notes import it to delete their files with them; mail, to attach them to replies. */
@Module({
  imports: [TypeOrmModule.forFeature([AttachmentEntity]), TicketsModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsRepository, AttachmentStorage, AttachmentsCron, MultipartUpload],
  exports: [AttachmentsService, AttachmentStorage],
})
export class AttachmentsModule {}

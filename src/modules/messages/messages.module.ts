import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { MessageEntity } from '#src/modules/messages/message.entity.js';
import { MessagesController } from '#src/modules/messages/messages.controller.js';
import { MessagesRepository } from '#src/modules/messages/messages.repository.js';
import { MessagesService } from '#src/modules/messages/messages.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity]), TicketsModule, AttachmentsModule],
  controllers: [MessagesController],
  providers: [MessagesService, MessagesRepository],
  exports: [MessagesService],
})
export class MessagesModule {}

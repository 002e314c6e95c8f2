import { Module } from '@nestjs/common';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { EmailController } from '#src/modules/email-ingest/email.controller.js';
import { EmailIngestCron } from '#src/modules/email-ingest/email-ingest.cron.js';
import { EmailIngestRepository } from '#src/modules/email-ingest/email-ingest.repository.js';
import { EmailIngestService } from '#src/modules/email-ingest/email-ingest.service.js';
import { MailModule } from '#src/modules/mail/mail.module.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { NotesModule } from '#src/modules/notes/notes.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

/** The inbound half of the e-mail channel: the polled mailbox becomes tickets and messages. */
@Module({
  imports: [TicketsModule, MessagesModule, UsersModule, AttachmentsModule, MetricsModule, MailModule, NotesModule],
  controllers: [EmailController],
  providers: [EmailIngestService, EmailIngestRepository, EmailIngestCron],
  exports: [EmailIngestService],
})
export class EmailIngestModule {}

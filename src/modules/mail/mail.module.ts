import { Module } from '@nestjs/common';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { MailCron } from '#src/modules/mail/mail.cron.js';
import { MailRepository } from '#src/modules/mail/mail.repository.js';
import { MailService } from '#src/modules/mail/mail.service.js';
import { MailTransport } from '#src/modules/mail/mail.transport.js';
import { OutboxModule } from '#src/modules/outbox/outbox.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

/** Outbound mail: templates, threading headers, caps, queued through the shared outbox and sent over SMTP. */
@Module({
  imports: [OutboxModule, UsersModule, AttachmentsModule],
  providers: [MailService, MailRepository, MailTransport, MailCron],
  exports: [MailService],
})
export class MailModule {}

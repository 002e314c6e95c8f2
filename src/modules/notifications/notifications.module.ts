import { Module } from '@nestjs/common';
import { MailModule } from '#src/modules/mail/mail.module.js';
import { NotificationsRepository } from '#src/modules/notifications/notifications.repository.js';
import { NotificationsService } from '#src/modules/notifications/notifications.service.js';

/** Mails about tickets to customers and agents; hooks into the messages and tickets transactions. */
@Module({
  imports: [MailModule],
  providers: [NotificationsService, NotificationsRepository],
})
export class NotificationsModule {}

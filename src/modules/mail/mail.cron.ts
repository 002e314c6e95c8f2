import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '#src/common/clock.js';
import { MailService } from '#src/modules/mail/mail.service.js';

const PRUNE_EVERY_MS = 60 * 60_000;

/** Hourly: the mail log keeps only what the hourly caps need (a day, for a look). */
@Injectable()
export class MailCron {
  private readonly logger = new Logger(MailCron.name);

  constructor(
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  @Interval(PRUNE_EVERY_MS)
  async prune(): Promise<void> {
    try {
      await this.mail.pruneLog(this.clock.now());
    } catch (error) {
      this.logger.error({ err: error }, 'Mail log prune failed; the next run retries');
    }
  }
}

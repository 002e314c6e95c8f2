import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '#src/config/app-config.js';
import { EmailIngestService } from '#src/modules/email-ingest/email-ingest.service.js';

export const POLL_INTERVAL_NAME = 'email-ingest.poll';

/**
 * Polls the mailbox every IMAP_POLL_SECONDS, from start-up on; off without IMAP_HOST or with
 * CRON_ENABLED=false. An interval in the scheduler's registry, so shutdown stops it with the other
 * jobs; a poll still running when the next is due is joined, not stacked.
 */
@Injectable()
export class EmailIngestCron implements OnApplicationBootstrap {
  private readonly logger = new Logger(EmailIngestCron.name);

  constructor(
    private readonly ingest: EmailIngestService,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cronEnabled || !this.ingest.enabled) return;
    const registry = this.moduleRef.get(SchedulerRegistry, { strict: false });
    const tick = () => void this.ingest.poll().catch((error: unknown) => this.logger.error({ err: error }, 'Mailbox poll crashed'));
    registry.addInterval(POLL_INTERVAL_NAME, setInterval(tick, this.config.imap.pollSeconds * 1000));
    setImmediate(tick);
    this.logger.log({ host: this.config.imap.host, mailbox: this.config.imap.mailbox, every: this.config.imap.pollSeconds }, 'Polling the mailbox');
  }
}

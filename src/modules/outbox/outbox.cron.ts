import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '#src/common/clock.js';
import { OutboxService } from '#src/modules/outbox/outbox.service.js';

const DRAIN_EVERY_MS = 5_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Drains the outbox every few seconds: retries whose time has come, and rows whose kick was lost
 * (the instance that committed them stopped). No lock: claims exclude each other row by row.
 */
@Injectable()
export class OutboxCron {
  private readonly logger = new Logger(OutboxCron.name);

  constructor(
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** The same drain a commit kicks off: one at a time per instance, errors logged there. */
  @Interval(DRAIN_EVERY_MS)
  drain(): void {
    this.outbox.kick();
  }

  /** Hourly: rows sent a week ago go (OutboxService.prune). */
  @Interval(PRUNE_EVERY_MS)
  async prune(): Promise<void> {
    try {
      const removed = await this.outbox.prune(this.clock.now());
      if (removed > 0) this.logger.log({ removed }, 'Pruned sent outbox rows');
    } catch (error) {
      this.logger.error({ err: error }, 'Outbox prune failed; the next run retries');
    }
  }
}

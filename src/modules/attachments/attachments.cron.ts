import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '#src/common/clock.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';

const SWEEP_EVERY_MS = 10 * 60_000;

/** Schedules the orphan-file sweep; the service takes the lock and does the work. */
@Injectable()
export class AttachmentsCron {
  private readonly logger = new Logger(AttachmentsCron.name);

  constructor(
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  @Interval(SWEEP_EVERY_MS)
  async sweepOrphans(): Promise<void> {
    try {
      const result = await this.attachments.sweepOrphans(this.clock.now());
      if (result && result.removed + result.tempRemoved > 0) this.logger.log(result, 'Removed attachment files without rows');
    } catch (error) {
      this.logger.error({ err: error }, 'Attachment orphan sweep failed');
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '#src/common/clock.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';

const SWEEP_EVERY_MS = 10 * 60_000;
const UNCLAIMED_EVERY_MS = 60_000;

/** Schedules the orphan-file sweep and the removal of unclaimed uploads; the service does the work. */
@Injectable()
export class AttachmentsCron {
  private readonly logger = new Logger(AttachmentsCron.name);
  private removingUnclaimed = false;

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

  /**
   * Every minute, uploads made for a message that none claimed in time go. No job lock: the service
   * takes rows with SKIP LOCKED, so every instance may run it at once.
   */
  @Interval(UNCLAIMED_EVERY_MS)
  async removeUnclaimed(): Promise<void> {
    if (this.removingUnclaimed) return; // a slow run is not stacked on by the next minute's
    this.removingUnclaimed = true;
    try {
      const removed = await this.attachments.removeUnclaimed(this.clock.now());
      if (removed > 0) this.logger.log({ removed }, 'Removed uploads no message claimed');
    } catch (error) {
      this.logger.error({ err: error }, 'Removing unclaimed uploads failed; the next minute retries');
    } finally {
      this.removingUnclaimed = false;
    }
  }
}

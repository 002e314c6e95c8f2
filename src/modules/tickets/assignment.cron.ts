import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AssignmentService } from '#src/modules/tickets/assignment.service.js';

const SWEEP_EVERY_MS = 60_000;

/**
 * Once a minute, hands waiting tickets to agents with room. Safe on every instance at once: each
 * hand-out takes the assignment lock (`AdvisoryLock.ASSIGNMENT`) and claims its ticket with SKIP
 * LOCKED, and the service logs instead of throwing.
 */
@Injectable()
export class AssignmentCron {
  constructor(private readonly assignment: AssignmentService) {}

  @Interval(SWEEP_EVERY_MS)
  async giveOutWaitingTickets(): Promise<void> {
    await this.assignment.fillFreeSlots();
  }
}

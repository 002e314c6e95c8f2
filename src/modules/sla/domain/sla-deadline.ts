import type { TicketPriority } from '#src/modules/tickets/domain/ticket-status.js';

export interface SlaTargets {
  /** Minutes from creation to the first agent reply (first response time, FRT). */
  frtMinutes: number;
  /** Minutes from creation to resolution (time to resolution, TTR). */
  ttrMinutes: number;
}

export type SlaPolicy = Record<TicketPriority, SlaTargets>;

/** Defaults per priority: urgent 30 min / 4 h, high 1 h / 8 h, medium 4 h / 24 h, low 8 h / 48 h. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  urgent: { frtMinutes: 30, ttrMinutes: 4 * 60 },
  high: { frtMinutes: 60, ttrMinutes: 8 * 60 },
  medium: { frtMinutes: 4 * 60, ttrMinutes: 24 * 60 },
  low: { frtMinutes: 8 * 60, ttrMinutes: 48 * 60 },
};

export interface Deadlines {
  frtDeadline: Date;
  ttrDeadline: Date;
}

const MINUTE_MS = 60_000;

/** Both deadlines of a ticket created at `createdAt` with `priority`, in calendar time (UTC). */
export function computeDeadlines(createdAt: Date, priority: TicketPriority, policy: SlaPolicy): Deadlines {
  const targets = policy[priority];
  return {
    frtDeadline: new Date(createdAt.getTime() + targets.frtMinutes * MINUTE_MS),
    ttrDeadline: new Date(createdAt.getTime() + targets.ttrMinutes * MINUTE_MS),
  };
}

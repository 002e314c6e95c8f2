export interface SlaTargets {
  /** Minutes from creation to the first agent reply (first response time, FRT). */
  frtMinutes: number;
  /** Minutes from creation to resolution (time to resolution, TTR). */
  ttrMinutes: number;
}

/**
 * Targets per priority; the defaults come from config (SLA_URGENT, SLA_HIGH, SLA_MEDIUM, SLA_LOW). Generic
 * over the priority names so that the SLA module never imports the tickets module (tickets use SLA, not
 * the other way round).
 */
export type SlaPolicy<P extends string = string> = Record<P, SlaTargets>;

export interface Deadlines {
  frtDeadline: Date;
  ttrDeadline: Date;
}

const MINUTE_MS = 60_000;

/** Both deadlines of a ticket created at `createdAt` with `priority`, in calendar time (UTC). */
export function computeDeadlines<P extends string>(createdAt: Date, priority: P, policy: SlaPolicy<P>): Deadlines {
  const targets = policy[priority];
  return {
    frtDeadline: new Date(createdAt.getTime() + targets.frtMinutes * MINUTE_MS),
    ttrDeadline: new Date(createdAt.getTime() + targets.ttrMinutes * MINUTE_MS),
  };
}

import type { Pause } from '#src/modules/sla/domain/sla-clock.js';

/** A status change from a ticket's history. */
export interface StatusChange {
  from: string;
  to: string;
  at: Date;
}

export interface ResolutionTimeline {
  /** Where the resolution clock starts: creation, or the last reopen after resolved / closed. */
  start: Date;
  /** Stretches spent in a pausing status since `start`; the last one is open while it lasts. */
  pauses: Pause[];
}

const DONE = new Set(['resolved', 'closed']);

/**
 * The resolution clock's start and pauses, rebuilt from the status history (in any order): a reopen
 * restarts the clock, and time in `pausingStatus` (waiting_customer when the policy pauses) stops it.
 * Without a pausing status, nothing pauses.
 */
export function resolutionTimeline(createdAt: Date, changes: readonly StatusChange[], pausingStatus: string | null): ResolutionTimeline {
  const ordered = [...changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  let start = createdAt;
  let pauses: Pause[] = [];
  for (const change of ordered) {
    if (DONE.has(change.from) && !DONE.has(change.to)) {
      start = change.at;
      pauses = [];
    }
    if (pausingStatus === null) continue;
    const open = pauses.at(-1);
    if (change.to === pausingStatus && !(open && open.to === null)) pauses.push({ from: change.at, to: null });
    else if (change.from === pausingStatus && open && open.to === null) open.to = change.at;
  }
  return { start, pauses };
}

export const PRIORITY_ORDER = ['low', 'medium', 'high', 'urgent'] as const;

/** The priority one step up, or null at the top (a breach escalation raises it once). */
export function nextPriority(priority: string): string | null {
  const index = PRIORITY_ORDER.indexOf(priority as (typeof PRIORITY_ORDER)[number]);
  return index >= 0 && index < PRIORITY_ORDER.length - 1 ? PRIORITY_ORDER[index + 1] : null;
}

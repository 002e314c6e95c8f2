import type { TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';

/** How long after its resolution a ticket may be rated. */
export const RATING_WINDOW_DAYS = 7;
const WINDOW_MS = RATING_WINDOW_DAYS * 86_400_000;

/** Statuses in which a ticket stands resolved: `closed` keeps (or, closed directly, stamps) `resolved_at`. */
const RESOLVED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];

export type RatingWindow =
  | { open: true; resolvedAt: Date; until: Date }
  | { open: false; reason: 'not_resolved' | 'expired'; until: Date | null };

/**
 * Whether a ticket's client may rate it at `now`: the ticket stands resolved (or closed, which is a
 * resolution too) and its resolution is less than RATING_WINDOW_DAYS old. The rating belongs to
 * that resolution (`resolvedAt`); a reopen clears it and the next resolution opens a new window.
 * Whether this resolution was already rated is the database's to say (one row per resolution).
 */
export function ratingWindow(ticket: { status: TicketStatus; resolvedAt: Date | null }, now: Date): RatingWindow {
  if (!RESOLVED_STATUSES.includes(ticket.status) || ticket.resolvedAt === null) return { open: false, reason: 'not_resolved', until: null };
  const until = new Date(ticket.resolvedAt.getTime() + WINDOW_MS);
  return now < until ? { open: true, resolvedAt: ticket.resolvedAt, until } : { open: false, reason: 'expired', until };
}

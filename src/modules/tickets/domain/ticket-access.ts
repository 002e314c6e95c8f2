import type { UserRole } from '#src/common/auth/roles.js';

/** Who asks: a role and, for a visitor (a chat without an account), the visitor session of its token. */
export interface TicketViewer {
  id: number;
  role: UserRole;
  /** Set only for a visitor's token: it sees the tickets opened with that session and no others. */
  visitorSessionId?: number;
}

/** What the rule reads of a ticket. */
export interface TicketOwnership {
  clientId: number;
  /** The visitor session the ticket was opened with (null: opened otherwise). */
  visitorSessionId: number | null;
}

/**
 * Whether the viewer may see the ticket: agents and admins every ticket; a customer its own; a
 * visitor only those of its own tickets opened with its visitor session, never the address's other
 * tickets (by e-mail, from another browser, before), whoever owns the address.
 */
export function maySeeTicket(viewer: TicketViewer, ticket: TicketOwnership): boolean {
  if (viewer.role === 'agent' || viewer.role === 'admin') return true;
  if (ticket.clientId !== viewer.id) return false;
  return viewer.visitorSessionId === undefined || ticket.visitorSessionId === viewer.visitorSessionId;
}

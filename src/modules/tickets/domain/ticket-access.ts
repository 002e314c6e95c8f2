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

/** What the rule reads of a ticket opened in a chat without an account (with a visitor session). */
export interface VisitorFacts {
  /** Whether the address the visitor chatted under has a password now. */
  addressHasPassword: boolean;
}

/**
 * Whether the person behind a visitor's ticket is proven to own the address it was opened under.
 * Anyone may type an address into the widget (a contact's, known from e-mail), so not at first:
 * agents must not disclose the address's account details to the visitor. Proven once the address
 * has a password: set by the mailed claim link (which only the address's owner receives), and
 * setting it ends the visit's tokens, so whoever reads the ticket from then on logged in with it.
 */
export function visitorVerified(facts: VisitorFacts): boolean {
  return facts.addressHasPassword;
}

/**
 * The name to address a ticket's customer by (a reply's `{{customer.name}}`): for a visitor's
 * ticket whose address is not proven, the name the visitor gave, never the address's stored name
 * (which would tell an impostor whose address it is); otherwise the stored name.
 */
export function customerNameFor(storedName: string, visitor: { name: string; address_has_password: boolean } | null): string {
  return visitor && !visitorVerified({ addressHasPassword: visitor.address_has_password }) ? visitor.name : storedName;
}

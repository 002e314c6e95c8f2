/**
 * How an incoming mail finds its ticket (issue 13): by our own outbound Message-IDs named in
 * In-Reply-To / References, else by the `[#<id>]` tag in the subject when the sender is that
 * ticket's client. A reply to a ticket closed long ago opens a new ticket that links the old one.
 * Pure: the caller looks the candidates up and passes them in with `now`.
 */

/** Replies to a ticket closed longer ago than this open a new ticket instead. */
export const REOPEN_WINDOW_DAYS = 7;

const MESSAGE_ID = /<([^<>\s]+)>/g;
const SUBJECT_TAG = /\[#(\d{1,10})\]/;

/** The Message-IDs a header names (`<a@b> <c@d>`), without brackets, in order, each once. */
export function messageIdsIn(header: string | string[] | undefined | null): string[] {
  const text = Array.isArray(header) ? header.join(' ') : (header ?? '');
  const ids: string[] = [];
  for (const match of text.matchAll(MESSAGE_ID)) if (!ids.includes(match[1])) ids.push(match[1]);
  return ids;
}

/** The ticket id of our `[#<id>]` subject tag, or null. */
export function subjectTicketId(subject: string | undefined | null): number | null {
  const match = SUBJECT_TAG.exec(subject ?? '');
  if (!match) return null;
  const id = Number(match[1]);
  return id >= 1 && id <= 2_147_483_647 ? id : null;
}

/** What threading needs to know of a candidate ticket. */
export interface ThreadCandidate {
  ticketId: number;
  /** The ticket's client's address, lower case. */
  clientEmail: string;
  closedAt: Date | null;
  /**
   * Opened in a chat without an account (a visitor's name and this address, nothing proven) while
   * the account has no password yet: whoever started that chat may not own the mailbox, so mail
   * from the address must not land where the visitor reads it.
   */
  unverifiedVisitor: boolean;
}

export type ThreadDecision =
  | { kind: 'reply'; ticketId: number; via: 'headers' | 'subject' }
  | { kind: 'new'; linkedTicketId: number | null };

/**
 * Where a mail goes. `byHeaders`: the ticket whose outbound Message-ID the mail's In-Reply-To or
 * References named (null if none). `bySubject`: the ticket of the subject tag (null if no tag or no
 * such ticket). The subject tag counts only from the ticket's own client, so a stranger cannot
 * write into someone else's ticket by guessing an id. Nor does any mail go into an unverified
 * visitor's chat: it opens a new ticket that links it.
 */
export function decideThread(
  mail: { fromEmail: string },
  byHeaders: ThreadCandidate | null,
  bySubject: ThreadCandidate | null,
  now: Date,
): ThreadDecision {
  const from = mail.fromEmail.trim().toLowerCase();
  const target = byHeaders
    ? { candidate: byHeaders, via: 'headers' as const }
    : bySubject && bySubject.clientEmail === from
      ? { candidate: bySubject, via: 'subject' as const }
      : null;
  if (!target) return { kind: 'new', linkedTicketId: null };
  const { candidate, via } = target;
  // The mailbox's owner may not be the visitor: a new ticket of the account, linked for the agents.
  if (candidate.unverifiedVisitor) return { kind: 'new', linkedTicketId: candidate.ticketId };
  if (candidate.closedAt && now.getTime() - candidate.closedAt.getTime() > REOPEN_WINDOW_DAYS * 86_400_000) {
    return { kind: 'new', linkedTicketId: candidate.ticketId };
  }
  return { kind: 'reply', ticketId: candidate.ticketId, via };
}

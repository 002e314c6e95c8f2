/**
 * Which mails a change makes (issue 13), pure: the caller looks up who is online and passes it in.
 * Whether a user wants mail at all (notify_by_email), and the hourly caps, are the mail module's.
 */

export type Source = 'web' | 'chat' | 'email' | 'api';

/**
 * An agent's public reply: on a ticket that came by e-mail it is the answer itself (`reply`); on any
 * other it is a notice (`reply_notification`), sent only while the customer has no chat connection
 * open (a widget or console that shows the reply already). Bot and system messages mail nobody.
 */
export function mailForReply(reply: { authorType: string; source: Source; customerOnline: boolean }): 'reply' | 'reply_notification' | null {
  if (reply.authorType !== 'agent') return null;
  if (reply.source === 'email') return 'reply';
  return reply.customerOnline ? null : 'reply_notification';
}

export interface TicketChange {
  previous: { status: string; agentId: number | null };
  status: string;
  agentId: number | null;
  actorId: number | null;
}

/** The customer hears once when the ticket becomes resolved. */
export function resolvedNow(change: TicketChange): boolean {
  return change.status === 'resolved' && change.previous.status !== 'resolved';
}

/** The agent a new assignment should mail: newly assigned, not by itself; the caller checks it is offline. */
export function newlyAssignedAgent(change: TicketChange): number | null {
  const agentId = change.agentId;
  if (agentId === null || agentId === change.previous.agentId || agentId === change.actorId) return null;
  return agentId;
}

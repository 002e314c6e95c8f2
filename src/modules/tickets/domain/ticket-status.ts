/**
 * Ticket statuses and the moves between them: the one place these rules live. Pure: no
 * framework, no database; time comes in as `now`.
 */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** Statuses in which a ticket still needs work (and counts against an agent's capacity). */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'waiting_customer'];

export function isActive(status: TicketStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** Who asks for a move: agents (and admins) manage the workflow; a client may only close. */
export type StatusActor = 'agent' | 'client';

const AGENT_MOVES: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['in_progress', 'waiting_customer', 'resolved', 'closed'],
  in_progress: ['open', 'waiting_customer', 'resolved', 'closed'],
  waiting_customer: ['open', 'in_progress', 'resolved', 'closed'],
  resolved: ['open', 'in_progress', 'closed'],
  // A closed ticket only reopens.
  closed: ['open'],
};

const CLIENT_MOVES: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['closed'],
  in_progress: ['closed'],
  waiting_customer: ['closed'],
  resolved: ['closed'],
  closed: [],
};

export function canMove(from: TicketStatus, to: TicketStatus, actor: StatusActor): boolean {
  return (actor === 'agent' ? AGENT_MOVES : CLIENT_MOVES)[from].includes(to);
}

export interface StatusStamps {
  status: TicketStatus;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

/**
 * The stamps after a move: entering resolved or closed stamps its time; reopening clears both,
 * so resolution time is measured from the last resolution.
 */
export function applyStatus(current: StatusStamps, to: TicketStatus, now: Date): StatusStamps {
  if (to === current.status) return current;
  switch (to) {
    case 'resolved':
      return { status: to, resolvedAt: now, closedAt: null };
    case 'closed':
      return { status: to, resolvedAt: current.resolvedAt ?? now, closedAt: now };
    default:
      return { status: to, resolvedAt: null, closedAt: null };
  }
}

/**
 * The status a new customer-visible message leads to, or null for no change: a customer writing
 * on a ticket that waits for them puts it back in progress, and on a resolved one reopens it.
 */
export function statusAfterMessage(current: TicketStatus, fromAgent: boolean): TicketStatus | null {
  if (fromAgent) return null;
  if (current === 'waiting_customer') return 'in_progress';
  if (current === 'resolved') return 'open';
  return null;
}

/** An assignment's changes to a ticket and the history rows that record them. */
export interface AssignmentPlan {
  changes: { agentId: number | null; botState?: BotState } & Partial<StatusStamps>;
  events: { type: 'assignment' | 'status'; fromValue: string | null; toValue: string | null }[];
}

/**
 * What giving a ticket to `agentId` (null: to nobody) does, as the described system's assignment
 * logic: an `open` ticket given to an agent is now being worked on, so it moves to `in_progress`,
 * recorded like any status move; other statuses, and unassigning, leave the status alone.
 * `moveStatus: false` when the same change sets the status itself (a bulk change naming one).
 */
export function planAssignment(
  current: StatusStamps & { agentId: number | null; botState?: BotState | null },
  agentId: number | null,
  now: Date,
  moveStatus = true,
): AssignmentPlan {
  const plan: AssignmentPlan = {
    changes: { agentId },
    events: [{ type: 'assignment', fromValue: current.agentId?.toString() ?? null, toValue: agentId?.toString() ?? null }],
  };
  // A person took the chat from the bot: unassigning it later does not give it back to the bot.
  if (agentId !== null && current.botState === 'active') plan.changes.botState = 'handed_off';
  if (moveStatus && agentId !== null && current.status === 'open') {
    Object.assign(plan.changes, applyStatus(current, 'in_progress', now));
    plan.events.push({ type: 'status', fromValue: current.status, toValue: 'in_progress' });
  }
  return plan;
}

/** Whether a message may be added at all: a closed ticket takes no more messages. */
export function acceptsMessages(status: TicketStatus): boolean {
  return status !== 'closed';
}

/**
 * The statuses in which a new message from this side changes nothing on its ticket (no status
 * move, and for an agent, when the first response is already stamped): the cheap path for messages.
 */
export function statusesUnchangedByMessage(fromAgent: boolean): TicketStatus[] {
  return TICKET_STATUSES.filter((status) => acceptsMessages(status) && statusAfterMessage(status, fromAgent) === null);
}

/** What the chat bot does with a ticket: `active` while it holds a new live chat, `handed_off` once it gave it to people. */
export const BOT_STATES = ['active', 'handed_off'] as const;
export type BotState = (typeof BOT_STATES)[number];

/**
 * Whether the bot holds a ticket (and automatic assignment leaves it alone): from the live chat's
 * creation until the bot hands it over, an agent is assigned, or an agent replies in public.
 */
export function botHolds(ticket: { botState: BotState | null; agentId: number | null; firstResponseAt: unknown }): boolean {
  return ticket.botState === 'active' && ticket.agentId === null && ticket.firstResponseAt === null;
}

/** A live chat the bot handed over waits for an agent who is online (connected to the chat), never an offline one. */
export function needsOnlineAgent(ticket: { botState: BotState | null }): boolean {
  return ticket.botState === 'handed_off';
}

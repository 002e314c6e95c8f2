import {
  statusesUnchangedByMessage,
  acceptsMessages,
  applyStatus,
  canMove,
  planAssignment,
  type StatusActor,
  statusAfterMessage,
  TICKET_STATUSES,
  type TicketStatus,
} from '#src/modules/tickets/domain/ticket-status.js';

describe('canMove', () => {
  const allowed: [TicketStatus, TicketStatus, StatusActor][] = [
    ['open', 'in_progress', 'agent'],
    ['open', 'waiting_customer', 'agent'],
    ['open', 'resolved', 'agent'],
    ['open', 'closed', 'agent'],
    ['in_progress', 'open', 'agent'],
    ['in_progress', 'waiting_customer', 'agent'],
    ['in_progress', 'resolved', 'agent'],
    ['waiting_customer', 'in_progress', 'agent'],
    ['resolved', 'open', 'agent'],
    ['resolved', 'closed', 'agent'],
    ['closed', 'open', 'agent'],
    ['open', 'closed', 'client'],
    ['in_progress', 'closed', 'client'],
    ['waiting_customer', 'closed', 'client'],
    ['resolved', 'closed', 'client'],
  ];
  it.each(allowed)('%s -> %s by %s is allowed', (from, to, actor) => {
    expect(canMove(from, to, actor)).toBe(true);
  });

  const refused: [TicketStatus, TicketStatus, StatusActor][] = [
    ['closed', 'in_progress', 'agent'],
    ['closed', 'waiting_customer', 'agent'],
    ['closed', 'resolved', 'agent'],
    ['closed', 'closed', 'agent'],
    ['open', 'open', 'agent'],
    ['open', 'in_progress', 'client'],
    ['open', 'resolved', 'client'],
    ['resolved', 'open', 'client'],
    ['closed', 'open', 'client'],
    ['closed', 'closed', 'client'],
  ];
  it.each(refused)('%s -> %s by %s is refused', (from, to, actor) => {
    expect(canMove(from, to, actor)).toBe(false);
  });

  it('lets a closed ticket go nowhere but open, for anyone', () => {
    for (const to of TICKET_STATUSES) {
      expect(canMove('closed', to, 'agent')).toBe(to === 'open');
      expect(canMove('closed', to, 'client')).toBe(false);
    }
  });
});

describe('applyStatus', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const earlier = new Date('2026-11-21T10:00:00Z');

  it.each([
    [{ status: 'open', resolvedAt: null, closedAt: null }, 'resolved', { status: 'resolved', resolvedAt: now, closedAt: null }],
    [{ status: 'resolved', resolvedAt: earlier, closedAt: null }, 'closed', { status: 'closed', resolvedAt: earlier, closedAt: now }],
    [{ status: 'in_progress', resolvedAt: null, closedAt: null }, 'closed', { status: 'closed', resolvedAt: now, closedAt: now }],
    [{ status: 'closed', resolvedAt: earlier, closedAt: earlier }, 'open', { status: 'open', resolvedAt: null, closedAt: null }],
    [{ status: 'resolved', resolvedAt: earlier, closedAt: null }, 'in_progress', { status: 'in_progress', resolvedAt: null, closedAt: null }],
    [{ status: 'open', resolvedAt: null, closedAt: null }, 'waiting_customer', { status: 'waiting_customer', resolvedAt: null, closedAt: null }],
  ] as const)('%j -> %s gives %j', (current, to, expected) => {
    expect(applyStatus(current, to, now)).toEqual(expected);
  });

  it('changes nothing for the same status', () => {
    const current = { status: 'resolved' as const, resolvedAt: earlier, closedAt: null };
    expect(applyStatus(current, 'resolved', now)).toBe(current);
  });
});

describe('statusAfterMessage', () => {
  it.each([
    ['waiting_customer', false, 'in_progress'],
    ['resolved', false, 'open'],
    ['open', false, null],
    ['in_progress', false, null],
    ['waiting_customer', true, null],
    ['resolved', true, null],
    ['open', true, null],
  ] as const)('%s + message from agent=%s -> %s', (status, fromAgent, expected) => {
    expect(statusAfterMessage(status, fromAgent)).toBe(expected);
  });
});

describe('acceptsMessages', () => {
  it.each(TICKET_STATUSES.map((s) => [s, s !== 'closed'] as const))('%s -> %s', (status, expected) => {
    expect(acceptsMessages(status)).toBe(expected);
  });
});

describe('statusesUnchangedByMessage', () => {
  it.each([
    [true, ['open', 'in_progress', 'waiting_customer', 'resolved']],
    [false, ['open', 'in_progress']],
  ] as const)('from an agent: %s -> %j', (fromAgent, statuses) => {
    expect(statusesUnchangedByMessage(fromAgent)).toEqual(statuses);
  });
});

describe('planAssignment', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const at = (status: TicketStatus, agentId: number | null) => ({
    status,
    agentId,
    resolvedAt: status === 'resolved' || status === 'closed' ? now : null,
    closedAt: status === 'closed' ? now : null,
  });

  it.each<[TicketStatus, number | null, number | null, boolean, TicketStatus | null]>([
    ['open', null, 7, true, 'in_progress'],
    ['open', 3, 7, true, 'in_progress'],
    ['open', 3, null, true, null],
    ['open', null, 7, false, null],
    ['in_progress', null, 7, true, null],
    ['waiting_customer', 3, 7, true, null],
    ['resolved', null, 7, true, null],
    ['closed', null, 7, true, null],
  ])('%s ticket of agent %s given to %s (move status: %s) moves to %s', (status, from, to, moveStatus, moved) => {
    const plan = planAssignment(at(status, from), to, now, moveStatus);
    const assignment = { type: 'assignment', fromValue: from?.toString() ?? null, toValue: to?.toString() ?? null };
    if (moved === null) {
      expect(plan).toEqual({ changes: { agentId: to }, events: [assignment] });
    } else {
      expect(plan).toEqual({
        changes: { agentId: to, status: moved, resolvedAt: null, closedAt: null },
        events: [assignment, { type: 'status', fromValue: status, toValue: moved }],
      });
    }
  });

  it('takes a chat from the bot for good when a person is assigned, and leaves the bot state alone otherwise', () => {
    const chat = { ...at('open', null), botState: 'active' as const };
    expect(planAssignment(chat, 7, now).changes.botState).toBe('handed_off');
    expect(planAssignment(chat, null, now).changes.botState).toBeUndefined();
    expect(planAssignment({ ...chat, botState: null }, 7, now).changes.botState).toBeUndefined();
  });
});

import { addWorkingMinutes, type BusinessCalendar, workingMsBetween } from '#src/modules/sla/domain/business-hours.js';

/** A stretch of time in which a ticket's resolution clock stood still; `to` is null while it lasts. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export interface ClockResult {
  /** When the target runs out; null while the clock is paused (it moves when the pause ends). */
  deadline: Date | null;
  /** Working time left when the clock stopped (or at `start` when it never ran), in milliseconds. */
  remainingMs: number;
  paused: boolean;
}

/**
 * The deadline of a `targetMinutes` clock that starts at `start` and counts only working time outside
 * `pauses` (any order; overlapping ones merge; those before `start` are ignored, which is how a
 * reopened ticket's clock restarts). A pause still open stops the clock: no deadline until it ends.
 */
export function clockDeadline(
  start: Date,
  targetMinutes: number,
  calendar: BusinessCalendar | null,
  pauses: readonly Pause[] = [],
): ClockResult {
  let cursor = start;
  let remainingMs = targetMinutes * 60_000;
  const ordered = [...pauses].sort((a, b) => a.from.getTime() - b.from.getTime());
  for (const pause of ordered) {
    const pauseEnd = pause.to;
    if (pauseEnd && pauseEnd.getTime() <= cursor.getTime()) continue;
    if (pause.from.getTime() > cursor.getTime()) {
      const available = workingMsBetween(cursor, pause.from, calendar);
      if (available >= remainingMs) break;
      remainingMs -= available;
    }
    if (!pauseEnd) return { deadline: null, remainingMs, paused: true };
    if (pauseEnd.getTime() > cursor.getTime()) cursor = pauseEnd;
  }
  return { deadline: addWorkingMs(cursor, remainingMs, calendar), remainingMs, paused: false };
}

function addWorkingMs(start: Date, ms: number, calendar: BusinessCalendar | null): Date {
  return addWorkingMinutes(start, ms / 60_000, calendar);
}

export type SlaState = 'pending' | 'warning' | 'breached' | 'met' | 'paused';

export interface SlaClockView {
  deadline: Date | null;
  /** When the target was reached (FRT: frtMetAt; TTR: resolved or closed). */
  metAt: Date | null;
  paused: boolean;
}

/**
 * What a customer-facing SLA badge says at `now`: met on time, breached (also when met late),
 * paused, within the warning window, or pending.
 */
export function slaState(clock: SlaClockView, now: Date, warningMinutes: number): SlaState {
  const deadline = clock.deadline?.getTime();
  if (clock.metAt) return deadline !== undefined && clock.metAt.getTime() > deadline ? 'breached' : 'met';
  if (clock.paused || deadline === undefined) return 'paused';
  if (now.getTime() >= deadline) return 'breached';
  if (now.getTime() >= deadline - warningMinutes * 60_000) return 'warning';
  return 'pending';
}

export type SlaKind = 'frt' | 'ttr';
export type SlaEventType = 'warning' | 'breached';

export interface DueSlaEvent {
  kind: SlaKind;
  type: SlaEventType;
  deadline: Date;
  /** Whole minutes left at `now`, rounded down; negative once breached. */
  minutesLeft: number;
}

/**
 * The SLA event a running clock is due at `now`, if any: a breach once the deadline has passed, else a
 * warning inside the warning window. A clock whose warning window was missed (the job was down) gets
 * the breach alone, never a stale warning after it. Recording each once is the caller's job.
 */
export function dueSlaEvent(kind: SlaKind, clock: SlaClockView, now: Date, warningMinutes: number): DueSlaEvent | null {
  const state = slaState(clock, now, warningMinutes);
  if (!clock.deadline || (state !== 'warning' && state !== 'breached') || clock.metAt) return null;
  const minutesLeft = Math.floor((clock.deadline.getTime() - now.getTime()) / 60_000);
  return { kind, type: state, deadline: clock.deadline, minutesLeft };
}

/** A ticket as its SLA badge needs it (the response's own fields, times as ISO strings). */
export interface TicketClockInput {
  status: string;
  frt_deadline: string;
  ttr_deadline: string;
  first_response_at: string | null;
  resolved_at: string | null;
}

export interface ClockView {
  deadline: string;
  state: SlaState;
  met_at: string | null;
}

export interface TicketSlaView {
  frt: ClockView;
  ttr: ClockView;
}

const DONE_STATUSES = new Set(['resolved', 'closed']);

/** When a resolved or closed ticket was resolved (closing stamps it too); null while it is active. */
function resolvedAt(ticket: Pick<TicketClockInput, 'status' | 'resolved_at'>): string | null {
  return DONE_STATUSES.has(ticket.status) ? ticket.resolved_at : null;
}

/**
 * When a ticket's first-response clock stopped, or null while it runs. A first response is the
 * first public agent reply (what stamps `first_response_at`); resolving or closing the ticket
 * before one also ends the customer's wait, so whichever came first stops the clock. A status
 * change alone (taking the ticket `in_progress`, assigning it, waiting for the customer) is no
 * response: the clock runs on. The SQL twin is `frtMetAtSql` in the SLA repository.
 */
export function frtMetAt(ticket: Pick<TicketClockInput, 'status' | 'first_response_at' | 'resolved_at'>): string | null {
  const candidates = [ticket.first_response_at, resolvedAt(ticket)].filter((at): at is string => at !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((earliest, at) => (Date.parse(at) < Date.parse(earliest) ? at : earliest));
}

/**
 * The `sla` block of a ticket at `now`. FRT runs until `frtMetAt` (the first public agent reply, or
 * resolving before one), in every active status alike, as the minute job and the stats see it. TTR
 * is met by resolving or closing, and paused while the ticket waits for the customer when its
 * policy says so (`pausedWhileWaiting`).
 */
export function ticketSlaView(ticket: TicketClockInput, now: Date, warningMinutes: number, pausedWhileWaiting: boolean): TicketSlaView {
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  const frtMet = frtMetAt(ticket);
  const frt: ClockView = {
    deadline: ticket.frt_deadline,
    state: slaState({ deadline: date(ticket.frt_deadline), metAt: date(frtMet), paused: false }, now, warningMinutes),
    met_at: frtMet,
  };
  const ttrMetAt = resolvedAt(ticket);
  const ttr: ClockView = {
    deadline: ticket.ttr_deadline,
    state: slaState(
      { deadline: date(ticket.ttr_deadline), metAt: date(ttrMetAt), paused: pausedWhileWaiting && ticket.status === 'waiting_customer' },
      now,
      warningMinutes,
    ),
    met_at: ttrMetAt,
  };
  return { frt, ttr };
}

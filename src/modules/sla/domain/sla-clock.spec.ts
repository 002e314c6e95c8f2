import { DateTime } from 'luxon';
import type { BusinessCalendar } from '#src/modules/sla/domain/business-hours.js';
import { clockDeadline, dueSlaEvent, frtMetAt, type Pause, slaState, ticketSlaView } from '#src/modules/sla/domain/sla-clock.js';

const office: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: Object.fromEntries([1, 2, 3, 4, 5].map((day) => [day, [{ start: '09:00', end: '17:00' }]])),
  holidays: [],
};
const berlin = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Berlin' }).toJSDate();
const pause = (from: string, to: string | null): Pause => ({ from: berlin(from), to: to ? berlin(to) : null });
const local = (date: Date | null) => (date ? DateTime.fromJSDate(date, { zone: 'Europe/Berlin' }).toFormat('yyyy-MM-dd HH:mm') : null);

describe('clockDeadline', () => {
  // Monday 30 November 2026, 10:00 in Berlin; 480 working minutes (8 h) to resolve.
  const start = berlin('2026-11-30 10:00');

  it.each([
    ['no pause: one working day later', office, [], '2026-12-01 10:00', false],
    ['a pause over the night moves it out by the paused working time (3 h)', office, [pause('2026-11-30 16:00', '2026-12-01 11:00')], '2026-12-01 13:00', false],
    ['a pause outside working hours changes nothing', office, [pause('2026-11-30 18:00', '2026-12-01 08:00')], '2026-12-01 10:00', false],
    ['a pause after the deadline changes nothing', office, [pause('2026-12-01 12:00', '2026-12-02 12:00')], '2026-12-01 10:00', false],
    ['overlapping pauses count once', office, [pause('2026-11-30 11:00', '2026-11-30 13:00'), pause('2026-11-30 12:00', '2026-11-30 14:00')], '2026-12-01 13:00', false],
    ['pauses in any order', office, [pause('2026-11-30 15:00', '2026-11-30 16:00'), pause('2026-11-30 11:00', '2026-11-30 12:00')], '2026-12-01 12:00', false],
    ['a pause before the (re)start is ignored', office, [pause('2026-11-27 10:00', '2026-11-27 16:00')], '2026-12-01 10:00', false],
    ['a pause running at the start delays it', office, [pause('2026-11-30 08:00', '2026-11-30 12:00')], '2026-12-01 12:00', false],
    ['an open pause stops the clock', office, [pause('2026-11-30 16:00', null)], null, true],
    ['without a calendar a pause counts in full', null, [pause('2026-11-30 16:00', '2026-12-01 11:00')], '2026-12-01 13:00', false],
  ])('%s', (_case, calendar, pauses, deadline, paused) => {
    const result = clockDeadline(start, 480, calendar, pauses);
    expect(local(result.deadline)).toBe(deadline);
    expect(result.paused).toBe(paused);
  });

  it('keeps the working time left when a pause stops the clock', () => {
    const result = clockDeadline(start, 480, office, [pause('2026-11-30 16:00', null)]);
    expect(result.remainingMs).toBe(2 * 3_600_000);
  });

  it('without a calendar and a pause over the night counts the night too', () => {
    const result = clockDeadline(start, 480, null, [pause('2026-11-30 16:00', '2026-11-30 17:00')]);
    expect(local(result.deadline)).toBe('2026-11-30 19:00');
  });
});

describe('slaState', () => {
  const deadline = new Date('2026-12-01T12:00:00Z');
  it.each([
    ['pending well before', { deadline, metAt: null, paused: false }, '2026-12-01T10:59:59Z', 'pending'],
    ['warning inside the last hour', { deadline, metAt: null, paused: false }, '2026-12-01T11:00:00Z', 'warning'],
    ['breached at the deadline', { deadline, metAt: null, paused: false }, '2026-12-01T12:00:00Z', 'breached'],
    ['met on time', { deadline, metAt: new Date('2026-12-01T11:59:00Z'), paused: false }, '2026-12-02T00:00:00Z', 'met'],
    ['met late is a breach', { deadline, metAt: new Date('2026-12-01T12:01:00Z'), paused: false }, '2026-12-02T00:00:00Z', 'breached'],
    ['paused', { deadline: null, metAt: null, paused: true }, '2026-12-01T13:00:00Z', 'paused'],
  ] as const)('%s', (_case, clock, now, state) => {
    expect(slaState(clock, new Date(now), 60)).toBe(state);
  });
});

describe('dueSlaEvent', () => {
  const deadline = new Date('2026-12-01T12:00:00Z');
  const running = { deadline, metAt: null, paused: false };
  it.each([
    ['nothing before the window', running, '2026-12-01T10:30:00Z', null],
    ['a warning with the minutes left', running, '2026-12-01T11:28:00Z', { type: 'warning', minutesLeft: 32 }],
    ['a breach once passed (and never a late warning)', running, '2026-12-01T12:05:00Z', { type: 'breached', minutesLeft: -5 }],
    ['nothing once met', { ...running, metAt: new Date('2026-12-01T11:00:00Z') }, '2026-12-01T11:30:00Z', null],
    ['nothing when met late either', { ...running, metAt: new Date('2026-12-01T12:30:00Z') }, '2026-12-01T13:00:00Z', null],
    ['nothing while paused', { deadline: null, metAt: null, paused: true }, '2026-12-01T13:00:00Z', null],
  ] as const)('%s', (_case, clock, now, expected) => {
    const event = dueSlaEvent('frt', clock, new Date(now), 60);
    expect(event && { type: event.type, minutesLeft: event.minutesLeft }).toEqual(expected);
  });
});

describe('ticketSlaView', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const base = {
    status: 'open',
    frt_deadline: '2026-12-01T12:30:00.000Z',
    ttr_deadline: '2026-12-02T12:00:00.000Z',
    first_response_at: null,
    resolved_at: null,
  };
  it.each([
    ['a new ticket: FRT in its warning hour, TTR pending', base, false, ['warning', null], ['pending', null]],
    ['answered in time', { ...base, status: 'in_progress', first_response_at: '2026-12-01T11:00:00.000Z' }, false, ['met', '2026-12-01T11:00:00.000Z'], ['pending', null]],
    ['taken in progress without a reply: FRT runs on', { ...base, status: 'in_progress' }, false, ['warning', null], ['pending', null]],
    ['in progress, unanswered past the deadline', { ...base, status: 'in_progress', frt_deadline: '2026-12-01T11:00:00.000Z' }, false, ['breached', null], ['pending', null]],
    ['waiting for the customer without a reply: FRT runs on', { ...base, status: 'waiting_customer', frt_deadline: '2026-12-01T15:00:00.000Z' }, true, ['pending', null], ['paused', null]],
    ['resolved in time without a reply: the resolution stops FRT', { ...base, status: 'resolved', resolved_at: '2026-12-01T11:30:00.000Z' }, false, ['met', '2026-12-01T11:30:00.000Z'], ['met', '2026-12-01T11:30:00.000Z']],
    ['closed after the FRT deadline without a reply', { ...base, status: 'closed', frt_deadline: '2026-12-01T11:00:00.000Z', resolved_at: '2026-12-01T11:30:00.000Z' }, false, ['breached', '2026-12-01T11:30:00.000Z'], ['met', '2026-12-01T11:30:00.000Z']],
    ['unanswered past the deadline', { ...base, frt_deadline: '2026-12-01T11:00:00.000Z' }, false, ['breached', null], ['pending', null]],
    ['waiting for the customer with the pause option', { ...base, status: 'waiting_customer', first_response_at: '2026-12-01T11:00:00.000Z' }, true, ['met', '2026-12-01T11:00:00.000Z'], ['paused', null]],
    ['waiting for the customer without it', { ...base, status: 'waiting_customer', first_response_at: '2026-12-01T11:00:00.000Z' }, false, ['met', '2026-12-01T11:00:00.000Z'], ['pending', null]],
    ['resolved in time', { ...base, status: 'resolved', first_response_at: '2026-12-01T11:00:00.000Z', resolved_at: '2026-12-01T11:30:00.000Z' }, false, ['met', '2026-12-01T11:00:00.000Z'], ['met', '2026-12-01T11:30:00.000Z']],
    ['resolved late', { ...base, status: 'closed', ttr_deadline: '2026-12-01T10:00:00.000Z', first_response_at: '2026-12-01T09:00:00.000Z', resolved_at: '2026-12-01T11:30:00.000Z' }, false, ['met', '2026-12-01T09:00:00.000Z'], ['breached', '2026-12-01T11:30:00.000Z']],
  ] as const)('%s', (_case, ticket, paused, [frtState, frtMet], [ttrState, ttrMet]) => {
    const view = ticketSlaView(ticket, now, 60, paused);
    expect(view.frt).toEqual({ deadline: ticket.frt_deadline, state: frtState, met_at: frtMet });
    expect(view.ttr).toEqual({ deadline: ticket.ttr_deadline, state: ttrState, met_at: ttrMet });
  });
});

describe('frtMetAt: what stops the first-response clock', () => {
  const reply = '2026-12-01T11:00:00.000Z';
  const resolved = '2026-12-01T11:30:00.000Z';
  it.each([
    ['open, unanswered: runs', 'open', null, null, null],
    ['in progress (taken or assigned), unanswered: runs', 'in_progress', null, null, null],
    ['waiting for the customer, unanswered: runs', 'waiting_customer', null, null, null],
    ['a public agent reply', 'in_progress', reply, null, reply],
    ['a reply, then resolved: the reply', 'resolved', reply, resolved, reply],
    ['resolved without a reply: the resolution', 'resolved', null, resolved, resolved],
    ['closed without a reply: the resolution closing stamped', 'closed', null, resolved, resolved],
    ['resolved, then a late reply: the resolution came first', 'resolved', '2026-12-01T12:00:00.000Z', resolved, resolved],
    ['reopened without a reply (resolved_at of an active ticket does not count): runs', 'open', null, resolved, null],
  ] as const)('%s', (_case, status, firstResponseAt, resolvedAt, expected) => {
    expect(frtMetAt({ status, first_response_at: firstResponseAt, resolved_at: resolvedAt })).toBe(expected);
  });
});

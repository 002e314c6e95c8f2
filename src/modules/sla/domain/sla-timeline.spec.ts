import { nextPriority, resolutionTimeline, type StatusChange } from '#src/modules/sla/domain/sla-timeline.js';

const created = new Date('2026-11-30T09:00:00Z');
const at = (hhmm: string, day = '2026-11-30') => new Date(`${day}T${hhmm}:00Z`);
const change = (from: string, to: string, time: string, day?: string): StatusChange => ({ from, to, at: at(time, day) });
const iso = (date: Date | null) => date?.toISOString().slice(11, 16) ?? null;

describe('resolutionTimeline', () => {
  it.each([
    ['no history: the clock starts at creation', [], 'waiting_customer', '09:00', []],
    ['a closed wait is one pause', [change('open', 'waiting_customer', '10:00'), change('waiting_customer', 'in_progress', '11:00')], 'waiting_customer', '09:00', [['10:00', '11:00']]],
    ['a wait still running is an open pause', [change('in_progress', 'waiting_customer', '10:00')], 'waiting_customer', '09:00', [['10:00', null]]],
    ['two waits are two pauses', [
      change('open', 'waiting_customer', '10:00'), change('waiting_customer', 'open', '11:00'),
      change('open', 'waiting_customer', '12:00'), change('waiting_customer', 'in_progress', '12:30'),
    ], 'waiting_customer', '09:00', [['10:00', '11:00'], ['12:00', '12:30']]],
    ['a reopen restarts the clock and forgets earlier pauses', [
      change('open', 'waiting_customer', '10:00'), change('waiting_customer', 'resolved', '11:00'), change('resolved', 'open', '14:00'),
    ], 'waiting_customer', '14:00', []],
    ['a reopen from closed restarts it too', [change('open', 'closed', '10:00'), change('closed', 'in_progress', '15:00')], 'waiting_customer', '15:00', []],
    ['without the pause option nothing pauses', [change('open', 'waiting_customer', '10:00'), change('waiting_customer', 'open', '11:00')], null, '09:00', []],
    ['history in any order', [change('waiting_customer', 'in_progress', '11:00'), change('open', 'waiting_customer', '10:00')], 'waiting_customer', '09:00', [['10:00', '11:00']]],
  ])('%s', (_case, changes, pausing, start, pauses) => {
    const timeline = resolutionTimeline(created, changes, pausing);
    expect(iso(timeline.start)).toBe(start);
    expect(timeline.pauses.map((p) => [iso(p.from), iso(p.to)])).toEqual(pauses);
  });
});

describe('nextPriority', () => {
  it.each([
    ['low', 'medium'],
    ['medium', 'high'],
    ['high', 'urgent'],
    ['urgent', null],
    ['unknown', null],
  ])('%s → %s', (priority, next) => {
    expect(nextPriority(priority)).toBe(next);
  });
});

import { DateTime } from 'luxon';
import {
  addWorkingMinutes,
  type BusinessCalendar,
  calendarProblems,
  workingMsBetween,
} from '#src/modules/sla/domain/business-hours.js';

const office = (holidays: string[] = []): BusinessCalendar => ({
  timeZone: 'Europe/Berlin',
  weekly: Object.fromEntries([1, 2, 3, 4, 5].map((day) => [day, [{ start: '09:00', end: '17:00' }]])),
  holidays,
});

/** A local wall-clock time in Berlin, as the instant it names. */
const berlin = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Berlin' }).toJSDate();
const utc = (iso: string) => new Date(iso);

describe('addWorkingMinutes', () => {
  it.each([
    ['inside a working day', office(), berlin('2026-12-01 10:00'), 60, '2026-12-01T10:00:00.000Z'],
    ['Friday 16:30 + 60 min is Monday 09:30', office(), berlin('2026-11-27 16:30'), 60, '2026-11-30T08:30:00.000Z'],
    ['a start before opening counts from 09:00', office(), berlin('2026-12-01 07:00'), 30, '2026-12-01T08:30:00.000Z'],
    ['a start in the evening counts from the next morning', office(), berlin('2026-12-01 20:00'), 30, '2026-12-02T08:30:00.000Z'],
    ['a start on Saturday counts from Monday', office(), berlin('2026-11-28 12:00'), 90, '2026-11-30T09:30:00.000Z'],
    ['exactly the rest of the day ends at closing', office(), berlin('2026-12-01 16:00'), 60, '2026-12-01T16:00:00.000Z'],
    ['several days of work', office(), berlin('2026-12-01 09:00'), 3 * 480 + 15, '2026-12-04T08:15:00.000Z'],
    ['a holiday is skipped (Christmas Friday)', office(['2026-12-25']), berlin('2026-12-24 16:30'), 60, '2026-12-28T08:30:00.000Z'],
    ['across the year end with New Year off', office(['2027-01-01']), berlin('2026-12-31 16:00'), 120, '2027-01-04T09:00:00.000Z'],
    ['DST starts over the weekend (March)', office(), berlin('2026-03-27 16:00'), 120, '2026-03-30T08:00:00.000Z'],
    ['DST ends over the weekend (October)', office(), berlin('2026-10-23 16:00'), 120, '2026-10-26T09:00:00.000Z'],
    ['without a calendar: around the clock', null, utc('2026-11-27T15:30:00Z'), 60, '2026-11-27T16:30:00.000Z'],
    ['without a calendar: across the year end', null, utc('2026-12-31T23:30:00Z'), 60, '2027-01-01T00:30:00.000Z'],
    ['zero minutes is the start itself', office(), berlin('2026-11-28 12:00'), 0, '2026-11-28T11:00:00.000Z'],
  ])('%s', (_case, calendar, start, minutes, expected) => {
    expect(addWorkingMinutes(start, minutes, calendar).toISOString()).toBe(expected);
  });

  it('counts a 24-hour calendar day that DST shortens as 23 hours', () => {
    const always: BusinessCalendar = {
      timeZone: 'Europe/Berlin',
      weekly: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((day) => [day, [{ start: '00:00', end: '24:00' }]])),
      holidays: [],
    };
    // Saturday 23:00 CET + 3 h of real time is Sunday 03:00 CEST: the skipped hour is not counted.
    expect(addWorkingMinutes(berlin('2026-03-28 23:00'), 180, always).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(workingMsBetween(berlin('2026-03-29 00:00'), berlin('2026-03-30 00:00'), always)).toBe(23 * 3_600_000);
    expect(workingMsBetween(berlin('2026-10-25 00:00'), berlin('2026-10-26 00:00'), always)).toBe(25 * 3_600_000);
  });

  it('never counts the hour a DST change skips inside a working period', () => {
    const sundayNight: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: { 7: [{ start: '01:00', end: '04:00' }] }, holidays: [] };
    // 01:00–04:00 on 29 March 2026 lasts two real hours; the third goes to the next Sunday.
    expect(workingMsBetween(berlin('2026-03-29 00:00'), berlin('2026-03-30 00:00'), sundayNight)).toBe(2 * 3_600_000);
    expect(addWorkingMinutes(berlin('2026-03-29 01:00'), 150, sundayNight).toISOString()).toBe('2026-04-04T23:30:00.000Z');
  });

  it('accepts two periods a day (a lunch break)', () => {
    const withLunch: BusinessCalendar = {
      timeZone: 'Asia/Tokyo',
      weekly: { 1: [{ start: '13:00', end: '18:00' }, { start: '09:00', end: '12:00' }] },
      holidays: [],
    };
    // Monday 11:30 JST + 60 min: 30 before lunch, 30 after it.
    expect(addWorkingMinutes(utc('2026-11-30T02:30:00Z'), 60, withLunch).toISOString()).toBe('2026-11-30T04:30:00.000Z');
  });

  it('refuses an unusable calendar instead of looping', () => {
    expect(() => addWorkingMinutes(utc('2026-11-30T02:30:00Z'), 60, { timeZone: 'Europe/Berlin', weekly: {}, holidays: [] })).toThrow(
      /no working time/,
    );
  });
});

describe('workingMsBetween', () => {
  it.each([
    ['Friday 16:30 to Monday 09:30', office(), berlin('2026-11-27 16:30'), berlin('2026-11-30 09:30'), 60],
    ['a pause over a night counts only the working ends', office(), berlin('2026-12-01 16:00'), berlin('2026-12-02 11:00'), 180],
    ['a weekend alone is no working time', office(), berlin('2026-11-28 08:00'), berlin('2026-11-29 20:00'), 0],
    ['a holiday is no working time', office(['2026-12-25']), berlin('2026-12-25 08:00'), berlin('2026-12-25 20:00'), 0],
    ['an interval that ends before it starts is zero', office(), berlin('2026-12-02 11:00'), berlin('2026-12-01 16:00'), 0],
    ['without a calendar it is the elapsed time', null, utc('2026-12-01T16:00:00Z'), utc('2026-12-02T11:00:00Z'), 19 * 60],
  ])('%s', (_case, calendar, from, to, minutes) => {
    expect(workingMsBetween(from, to, calendar)).toBe(minutes * 60_000);
  });
});

describe('calendarProblems', () => {
  it.each([
    ['a usable calendar', office(), []],
    ['an unknown zone', { ...office(), timeZone: 'Mars/Olympus' }, ['time_zone: "Mars/Olympus" is not an IANA time zone']],
    ['a period that ends before it starts', { ...office(), weekly: { 1: [{ start: '17:00', end: '09:00' }] } }, [
      'weekly.1: 17:00-09:00 ends before it starts',
      'weekly: no working time in the week',
    ]],
    ['overlapping periods', { ...office(), weekly: { 2: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '17:00' }] } }, [
      'weekly.2: working periods overlap',
    ]],
    ['a malformed time', { ...office(), weekly: { 3: [{ start: '9am', end: '17:00' }] } }, [
      'weekly.3: "9am-17:00" must be HH:mm-HH:mm',
      'weekly: no working time in the week',
    ]],
    ['a day that is not a weekday', { ...office(), weekly: { 8: [{ start: '09:00', end: '17:00' }] } as BusinessCalendar['weekly'] }, [
      'weekly: 8 is not an ISO weekday (1 = Monday … 7 = Sunday)',
      'weekly: no working time in the week',
    ]],
    ['a holiday that is not a date', office(['2026-02-30']), ['holidays: "2026-02-30" is not a date (YYYY-MM-DD)']],
  ])('%s', (_case, calendar, problems) => {
    expect(calendarProblems(calendar)).toEqual(problems);
  });
});

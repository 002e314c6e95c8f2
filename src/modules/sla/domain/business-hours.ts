import { DateTime, IANAZone } from 'luxon';

/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's and ISO 8601's numbering). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One stretch of working time in a day, wall-clock `HH:mm` in the calendar's zone; `end` may be `24:00`. */
export interface WorkingPeriod {
  start: string;
  end: string;
}

/**
 * When a team works: a time zone, working periods per weekday and holidays (local dates). A policy
 * with a calendar counts only these minutes; without one, time runs around the clock.
 */
export interface BusinessCalendar {
  timeZone: string;
  weekly: Partial<Record<IsoWeekday, WorkingPeriod[]>>;
  /** Whole local days off, `YYYY-MM-DD` in the calendar's zone. */
  holidays: string[];
}

const MINUTE_MS = 60_000;
/** A calendar with one working minute a week still ends within this horizon; past it the input is broken. */
const MAX_DAYS = 5 * 366;
const HH_MM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutesOfDay(hhmm: string): number {
  const match = HH_MM.exec(hhmm);
  if (!match) throw new RangeError(`"${hhmm}" is not a time of day (HH:mm)`);
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/**
 * What is wrong with a calendar, one line per problem (empty when it is usable): an unknown zone,
 * malformed or overlapping periods, bad holiday dates, or no working time at all.
 */
export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!IANAZone.isValidZone(calendar.timeZone)) problems.push(`time_zone: "${calendar.timeZone}" is not an IANA time zone`);
  let working = 0;
  for (const [day, periods] of Object.entries(calendar.weekly)) {
    if (!/^[1-7]$/.test(day)) {
      problems.push(`weekly: ${day} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
      continue;
    }
    const spans: Array<[number, number]> = [];
    for (const period of periods ?? []) {
      if (!HH_MM.test(period.start) || !HH_MM.test(period.end)) {
        problems.push(`weekly.${day}: "${period.start}-${period.end}" must be HH:mm-HH:mm`);
        continue;
      }
      const span: [number, number] = [minutesOfDay(period.start), minutesOfDay(period.end)];
      if (span[0] >= span[1]) problems.push(`weekly.${day}: ${period.start}-${period.end} ends before it starts`);
      else spans.push(span);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i][0] < spans[i - 1][1]) problems.push(`weekly.${day}: working periods overlap`);
    }
    working += spans.reduce((sum, [from, to]) => sum + to - from, 0);
  }
  if (working === 0) problems.push('weekly: no working time in the week');
  for (const holiday of calendar.holidays) {
    if (!ISO_DATE.test(holiday) || !DateTime.fromISO(holiday).isValid) problems.push(`holidays: "${holiday}" is not a date (YYYY-MM-DD)`);
  }
  return problems;
}

/**
 * The working intervals of one local day, as UTC milliseconds, in order. Wall-clock times that a DST
 * change skips move forward with the clock (luxon's rule), so a period is never counted twice.
 */
function workingIntervalsOn(day: DateTime, calendar: BusinessCalendar, holidays: ReadonlySet<string>): Array<[number, number]> {
  if (holidays.has(day.toISODate() ?? '')) return [];
  const periods = calendar.weekly[day.weekday as IsoWeekday] ?? [];
  const at = (hhmm: string) => {
    const minutes = minutesOfDay(hhmm);
    if (minutes === 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
    return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
  };
  return periods
    .map((period): [number, number] => [at(period.start), at(period.end)])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Walks the calendar's working intervals from `from` onwards, clipped to start at `from`, calling
 * `visit` for each until it returns true.
 */
function walkWorkingTime(from: Date, calendar: BusinessCalendar, visit: (start: number, end: number) => boolean): void {
  const problems = calendarProblems(calendar);
  if (problems.length > 0) throw new RangeError(`Unusable business calendar: ${problems.join('; ')}`);
  const holidays = new Set(calendar.holidays);
  const fromMs = from.getTime();
  // Start a day early: a period that began on the previous local day may still be running.
  let day = DateTime.fromMillis(fromMs, { zone: calendar.timeZone }).startOf('day').minus({ days: 1 });
  for (let i = 0; i <= MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [start, end] of workingIntervalsOn(day, calendar, holidays)) {
      if (end <= fromMs) continue;
      if (visit(Math.max(start, fromMs), end)) return;
    }
  }
  throw new RangeError(`No end within ${MAX_DAYS} days: the calendar has (almost) no working time`);
}

/** `start` plus `minutes` of working time; without a calendar, plus `minutes` around the clock. */
export function addWorkingMinutes(start: Date, minutes: number, calendar: BusinessCalendar | null): Date {
  let remaining = minutes * MINUTE_MS;
  if (!calendar) return new Date(start.getTime() + remaining);
  if (remaining <= 0) return new Date(start);
  let result = start.getTime();
  walkWorkingTime(start, calendar, (from, to) => {
    if (to - from >= remaining) {
      result = from + remaining;
      return true;
    }
    remaining -= to - from;
    return false;
  });
  return new Date(result);
}

/** Working time between two instants, in milliseconds (0 when `to` is not after `from`). */
export function workingMsBetween(from: Date, to: Date, calendar: BusinessCalendar | null): number {
  const toMs = to.getTime();
  if (toMs <= from.getTime()) return 0;
  if (!calendar) return toMs - from.getTime();
  let total = 0;
  walkWorkingTime(from, calendar, (start, end) => {
    if (start >= toMs) return true;
    total += Math.min(end, toMs) - start;
    return end >= toMs;
  });
  return total;
}

import { translate } from '#src/common/i18n/translate.js';
import type { Locale } from '#src/config/app-config.js';

import type { SlaEventType, SlaKind } from '#src/modules/sla/domain/sla-clock.js';

/** What happened to a deadline: it is near (within SLA_WARNING_MINUTES) or it has passed. */
export type SlaAlert = SlaEventType;

export interface SlaLogEvent {
  ticketId: number;
  title: string;
  kind: SlaKind;
  alert: SlaAlert;
  deadline: Date;
}

const MINUTE_MS = 60_000;
/** Line breaks and other control characters: a title must not start a log line of its own. */
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export function formatLogTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** Whole minutes until `deadline`, rounded up (30 s left is 1 minute); 0 or less once it passed. */
export function minutesLeft(deadline: Date, now: Date): number {
  return Math.ceil((deadline.getTime() - now.getTime()) / MINUTE_MS) || 0; // never -0
}

/** Whole minutes since `deadline` passed, rounded down; 0 before it. */
export function minutesOverdue(deadline: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - deadline.getTime()) / MINUTE_MS));
}

/**
 * The SLA job's log line for one ticket, in `locale`, as the described system prints it:
 * `[2025-06-25 14:20:00] [Тикет #7 | Сбой сайта] 🚨 FRT скоро истечёт (осталось: 32 мин)`.
 * `now` is the line's time; the minutes are counted from it to the deadline.
 */
export function formatSlaLogLine(locale: Locale, event: SlaLogEvent, now: Date): string {
  const minutes = event.alert === 'warning' ? Math.max(0, minutesLeft(event.deadline, now)) : minutesOverdue(event.deadline, now);
  const text = translate(locale, `sla.${event.kind}_${event.alert}`, { minutes });
  return translate(locale, 'sla.line', {
    time: formatLogTimestamp(now),
    ticket_id: event.ticketId,
    title: event.title.replace(CONTROL, ' ').trim(),
    event: text,
  });
}

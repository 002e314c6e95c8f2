import { formatLogTimestamp, formatSlaLogLine, minutesLeft, minutesOverdue, type SlaLogEvent } from '#src/modules/sla/domain/sla-log-line.js';

const now = new Date('2025-06-25T14:20:00Z');
const at = (iso: string) => new Date(iso);

describe('formatSlaLogLine', () => {
  it.each<[string, 'en' | 'ru', Omit<SlaLogEvent, 'ticketId' | 'title'>, string]>([
    ['FRT warning', 'ru', { kind: 'frt', alert: 'warning', deadline: at('2025-06-25T14:52:00Z') }, '[2025-06-25 14:20:00] [Тикет #7 | Сбой сайта] 🚨 FRT скоро истечёт (осталось: 32 мин)'],
    ['FRT warning', 'en', { kind: 'frt', alert: 'warning', deadline: at('2025-06-25T14:52:00Z') }, '[2025-06-25 14:20:00] [Ticket #7 | Сбой сайта] FRT expires soon (32 min left)'],
    ['TTR warning', 'ru', { kind: 'ttr', alert: 'warning', deadline: at('2025-06-25T15:05:00Z') }, '[2025-06-25 14:20:00] [Тикет #7 | Сбой сайта] 🚨 TTR скоро истечёт (осталось: 45 мин)'],
    ['TTR warning', 'en', { kind: 'ttr', alert: 'warning', deadline: at('2025-06-25T15:05:00Z') }, '[2025-06-25 14:20:00] [Ticket #7 | Сбой сайта] TTR expires soon (45 min left)'],
    ['FRT breached', 'ru', { kind: 'frt', alert: 'breached', deadline: at('2025-06-25T14:10:00Z') }, '[2025-06-25 14:20:00] [Тикет #7 | Сбой сайта] ❌ FRT нарушен (просрочен на 10 мин)'],
    ['FRT breached', 'en', { kind: 'frt', alert: 'breached', deadline: at('2025-06-25T14:10:00Z') }, '[2025-06-25 14:20:00] [Ticket #7 | Сбой сайта] FRT breached (10 min overdue)'],
    ['TTR breached', 'ru', { kind: 'ttr', alert: 'breached', deadline: at('2025-06-25T12:20:00Z') }, '[2025-06-25 14:20:00] [Тикет #7 | Сбой сайта] ❌ TTR нарушен (просрочен на 120 мин)'],
    ['TTR breached', 'en', { kind: 'ttr', alert: 'breached', deadline: at('2025-06-25T12:20:00Z') }, '[2025-06-25 14:20:00] [Ticket #7 | Сбой сайта] TTR breached (120 min overdue)'],
  ])('%s in %s', (_, locale, event, expected) => {
    expect(formatSlaLogLine(locale, { ticketId: 7, title: 'Сбой сайта', ...event }, now)).toBe(expected);
  });

  it('keeps a title on one line', () => {
    const line = formatSlaLogLine('en', { ticketId: 12, title: 'Down\n[2025-06-25 14:20:00] forged\u2028line ', kind: 'frt', alert: 'warning', deadline: at('2025-06-25T14:21:00Z') }, now);
    expect(line).toBe('[2025-06-25 14:20:00] [Ticket #12 | Down [2025-06-25 14:20:00] forged line] FRT expires soon (1 min left)');
  });

  it('never shows negative minutes when a warning is written after the deadline passed', () => {
    expect(formatSlaLogLine('en', { ticketId: 1, title: 'X', kind: 'ttr', alert: 'warning', deadline: at('2025-06-25T14:19:00Z') }, now)).toMatch(/\(0 min left\)$/);
  });
});

describe('SLA log time and minutes', () => {
  it.each([
    ['2025-06-25T14:20:00.999Z', '2025-06-25 14:20:00'],
    ['2025-01-02T03:04:05Z', '2025-01-02 03:04:05'],
    ['2025-06-25T23:59:59+03:00', '2025-06-25 20:59:59'],
  ])('%s is logged as %s (UTC)', (iso, expected) => {
    expect(formatLogTimestamp(new Date(iso))).toBe(expected);
  });

  it.each([
    ['2025-06-25T14:52:00Z', 32, 0],
    ['2025-06-25T14:20:30Z', 1, 0],
    ['2025-06-25T14:20:00Z', 0, 0],
    ['2025-06-25T14:19:30Z', 0, 0],
    ['2025-06-25T14:18:59Z', -1, 1],
  ])('deadline %s: %i minutes left, %i overdue', (deadline, left, overdue) => {
    expect(minutesLeft(at(deadline), now)).toBe(left);
    expect(minutesOverdue(at(deadline), now)).toBe(overdue);
  });
});

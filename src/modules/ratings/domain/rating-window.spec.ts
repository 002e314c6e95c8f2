import { ratingWindow } from '#src/modules/ratings/domain/rating-window.js';
import type { TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';

const resolvedAt = new Date('2026-12-01T10:00:00.000Z');
const at = (offset: string) => new Date(resolvedAt.getTime() + Number(offset.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[offset.slice(-1) as 'm' | 'h' | 'd']);

describe('ratingWindow', () => {
  it.each<[TicketStatus, Date | null, Date, boolean, string | null]>([
    ['resolved', resolvedAt, at('0m'), true, null],
    ['resolved', resolvedAt, at('1d'), true, null],
    ['resolved', resolvedAt, at('10079m'), true, null], // 7 days less a minute
    ['resolved', resolvedAt, at('7d'), false, 'expired'], // the window is [resolved_at, resolved_at + 7 days)
    ['resolved', resolvedAt, at('30d'), false, 'expired'],
    ['resolved', resolvedAt, at('-5m'), true, null], // a clock a little behind the resolution's
    ['closed', resolvedAt, at('6d'), true, null], // closed after resolving: still that resolution's window
    ['closed', resolvedAt, at('8d'), false, 'expired'],
    ['open', null, at('0m'), false, 'not_resolved'],
    ['in_progress', null, at('0m'), false, 'not_resolved'],
    ['waiting_customer', null, at('0m'), false, 'not_resolved'],
    ['open', resolvedAt, at('0m'), false, 'not_resolved'], // a stale stamp on a reopened ticket does not count
    ['resolved', null, at('0m'), false, 'not_resolved'],
  ])('%s resolved at %s, asked at %s: open %s (%s)', (status, stamp, now, open, reason) => {
    const window = ratingWindow({ status, resolvedAt: stamp }, now);
    expect(window.open).toBe(open);
    if (window.open) {
      expect(window.resolvedAt).toEqual(stamp);
      expect(window.until).toEqual(at('7d'));
    } else {
      expect(window.reason).toBe(reason);
      expect(window.until).toEqual(reason === 'expired' ? at('7d') : null);
    }
  });
});

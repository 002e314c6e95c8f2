import { computeDeadlines, type SlaPolicy } from '#src/modules/sla/domain/sla-deadline.js';

/** The shipped defaults (see SLA_* in .env.example). */
const POLICY: SlaPolicy = {
  urgent: { frtMinutes: 30, ttrMinutes: 240 },
  high: { frtMinutes: 60, ttrMinutes: 480 },
  medium: { frtMinutes: 240, ttrMinutes: 1440 },
  low: { frtMinutes: 480, ttrMinutes: 2880 },
};

describe('computeDeadlines', () => {
  const created = new Date('2026-11-22T23:50:00Z');

  it.each([
    ['urgent', '2026-11-23T00:20:00.000Z', '2026-11-23T03:50:00.000Z'],
    ['high', '2026-11-23T00:50:00.000Z', '2026-11-23T07:50:00.000Z'],
    ['medium', '2026-11-23T03:50:00.000Z', '2026-11-23T23:50:00.000Z'],
    ['low', '2026-11-23T07:50:00.000Z', '2026-11-24T23:50:00.000Z'],
  ] as const)('%s: FRT %s, TTR %s', (priority, frt, ttr) => {
    const { frtDeadline, ttrDeadline } = computeDeadlines(created, priority, POLICY);
    expect(frtDeadline.toISOString()).toBe(frt);
    expect(ttrDeadline.toISOString()).toBe(ttr);
  });

  it('follows a custom policy', () => {
    const policy = { ...POLICY, low: { frtMinutes: 1, ttrMinutes: 2 } };
    const { frtDeadline, ttrDeadline } = computeDeadlines(created, 'low', policy);
    expect(frtDeadline.getTime() - created.getTime()).toBe(60_000);
    expect(ttrDeadline.getTime() - created.getTime()).toBe(120_000);
  });
});

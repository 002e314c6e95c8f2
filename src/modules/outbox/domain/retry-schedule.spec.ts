import { afterFailure, retryDelayMs, type RetryPolicy } from '#src/modules/outbox/domain/retry-schedule.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 60_000 };

describe('retryDelayMs', () => {
  it.each([
    // attempt, random, delay
    [1, 0, 5_000],
    [1, 0.999999, 10_000],
    [2, 0, 10_000],
    [2, 0.5, 15_000],
    [3, 1, 40_000],
    [4, 0, 30_000], // 80 s capped at 60 s, half fixed
    [4, 1, 60_000],
    [60, 1, 60_000], // no overflow far along
  ])('after failure %i with random %d waits %i ms', (attempt, random, delay) => {
    expect(retryDelayMs(attempt, policy, random)).toBe(delay);
  });

  it('never waits less than half the schedule, nor more than all of it', () => {
    for (let attempt = 1; attempt < 10; attempt++) {
      const full = Math.min(60_000, 10_000 * 2 ** (attempt - 1));
      expect(retryDelayMs(attempt, policy, Math.random())).toBeGreaterThanOrEqual(full / 2);
      expect(retryDelayMs(attempt, policy, Math.random())).toBeLessThanOrEqual(full);
    }
  });
});

describe('afterFailure', () => {
  const now = new Date('2026-12-01T10:00:00Z');

  it.each([
    [1, 'retry'],
    [4, 'retry'],
    [5, 'dead'],
    [9, 'dead'],
  ])('after %i attempts of 5: %s', (attempts, kind) => {
    expect(afterFailure(attempts, policy, now, 0).kind).toBe(kind);
  });

  it('retries at now plus the delay', () => {
    expect(afterFailure(2, policy, now, 0)).toEqual({ kind: 'retry', at: new Date('2026-12-01T10:00:10Z') });
  });
});

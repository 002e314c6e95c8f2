import { retryDelayMs } from '#src/modules/outbox/domain/retry-schedule.js';
import { attemptSucceeded, orderingKey, WEBHOOK_RETRY } from '#src/modules/webhooks/domain/webhook-events.js';

const HOUR_MS = 3_600_000;

describe('WEBHOOK_RETRY', () => {
  const schedule = (random: number) =>
    Array.from({ length: WEBHOOK_RETRY.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, WEBHOOK_RETRY, random)).reduce((a, b) => a + b, 0);

  it.each([0, 0.5, 0.999999])('retries the first failure within 10 s (random %d)', (random) => {
    expect(retryDelayMs(1, WEBHOOK_RETRY, random)).toBeLessThanOrEqual(10_000);
  });

  it('keeps trying for about a day before giving up, whatever the jitter', () => {
    expect(schedule(0)).toBeGreaterThan(12 * HOUR_MS);
    expect(schedule(0.5)).toBeGreaterThan(20 * HOUR_MS);
    expect(schedule(0.5)).toBeLessThan(28 * HOUR_MS);
    expect(schedule(1)).toBeLessThan(32 * HOUR_MS);
  });

  it('never waits more than six hours between two attempts', () => {
    expect(retryDelayMs(WEBHOOK_RETRY.maxAttempts, WEBHOOK_RETRY, 1)).toBe(6 * HOUR_MS);
  });
});

describe('orderingKey', () => {
  it.each<[number, number | null, string | undefined]>([
    [1, 7, 'webhook:1:ticket:7'],
    [2, 7, 'webhook:2:ticket:7'],
    [1, null, undefined],
  ])('endpoint %i, ticket %s: %s', (endpoint, ticket, key) => {
    expect(orderingKey(endpoint, ticket)).toBe(key);
  });
});

describe('attemptSucceeded', () => {
  it.each<[number | null, boolean]>([
    [200, true],
    [204, true],
    [299, true],
    [301, false], // redirects are not followed
    [404, false],
    [500, false],
    [null, false],
  ])('%s: %s', (status, ok) => {
    expect(attemptSucceeded(status)).toBe(ok);
  });
});

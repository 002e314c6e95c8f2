/**
 * When a failed delivery is tried again (issue 13's outbox): exponential backoff with jitter, and a
 * final `dead` after `maxAttempts`. Pure: the caller passes the attempt count, `now` and a random
 * number in [0, 1).
 */

export interface RetryPolicy {
  maxAttempts: number;
  /** The delay after the first failure, before jitter. */
  baseDelayMs: number;
  /** No delay grows beyond this, before jitter. */
  maxDelayMs: number;
}

/**
 * The delay after the `attempt`-th failure (1-based): base · 2^(attempt-1), capped, then "equal
 * jitter": half of it fixed, half random, so many rows that failed together (an SMTP outage) do
 * not all come back in the same second, and no retry comes sooner than half the schedule.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(exponential / 2 + (exponential / 2) * Math.min(Math.max(random, 0), 1));
}

export type AfterFailure = { kind: 'retry'; at: Date } | { kind: 'dead' };

/** What follows the `attempts`-th failed attempt (attempts counts this one). */
export function afterFailure(attempts: number, policy: RetryPolicy, now: Date, random: number): AfterFailure {
  if (attempts >= policy.maxAttempts) return { kind: 'dead' };
  return { kind: 'retry', at: new Date(now.getTime() + retryDelayMs(attempts, policy, random)) };
}

/** setTimeout runs a longer delay at once (and warns): the most one timer may wait. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When to look at a token's expiry next: null once it has expired, else the time left, capped so
 * that a long-lived token (30 days is above the cap) is looked at again rather than ended at once.
 */
export function nextExpiryCheck(expiresAt: number, now: number, maxDelayMs = MAX_TIMER_MS): number | null {
  const left = expiresAt - now;
  if (left <= 0) return null;
  return Math.min(left, maxDelayMs);
}

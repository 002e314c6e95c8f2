/**
 * A sliding-window limit: at most `limit` events in any `windowMs`. Pure: the caller keeps the
 * returned history (timestamps, oldest first) for the next call.
 */
export function allowEvent(history: readonly number[], now: number, limit: number, windowMs: number): { allowed: boolean; history: number[] } {
  const recent = history.filter((at) => at > now - windowMs);
  if (recent.length >= limit) return { allowed: false, history: recent };
  return { allowed: true, history: [...recent, now] };
}

/**
 * Whether a broadcast may stay on this instance instead of going out to the others: only when
 * this instance is the only one it knows of now and has heard of no other for `quietMs`.
 * `othersSeenAt` is the last time another instance was seen (the instance's start counts as a
 * sighting, because a new instance has not yet heard its peers' heartbeats).
 */
export function broadcastStaysLocal(serverCount: number, now: number, othersSeenAt: number, quietMs: number): boolean {
  return serverCount <= 1 && now - othersSeenAt >= quietMs;
}

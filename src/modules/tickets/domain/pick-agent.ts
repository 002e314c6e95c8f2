/**
 * Automatic assignment: which agent gets the next ticket of a queue. Pure; the service gathers
 * the candidates and the lock.
 */
export interface AgentLoad {
  agentId: number;
  /** Active (open, in progress, waiting) tickets of this agent in the ticket's queue. */
  activeInQueue: number;
  /** Active tickets of this agent across all queues: what capacity limits. */
  activeTotal: number;
  /** When the agent was last given a ticket; null if never. */
  lastAssignedAt: Date | null;
  /** Connected right now (live chat); offline agents are picked only when no online one has room. */
  online?: boolean;
}

/**
 * The agent with room (activeTotal < capacity) and the fewest active tickets in the queue; ties go
 * to the one idle longest (never assigned counts as idlest), then the lowest id, so the choice is
 * deterministic. Online agents are preferred when presence is known; `onlineOnly` (a live chat the
 * bot handed over) takes only them. Null when no one (suitable) has room.
 */
export function pickAgent(candidates: readonly AgentLoad[], capacity: number, options: { onlineOnly?: boolean } = {}): number | null {
  const withRoom = candidates.filter((c) => c.activeTotal < capacity);
  const online = withRoom.filter((c) => c.online === true);
  const pool = online.length > 0 || options.onlineOnly ? online : withRoom;
  if (pool.length === 0) return null;
  const idleSince = (c: AgentLoad) => (c.lastAssignedAt ? c.lastAssignedAt.getTime() : Number.NEGATIVE_INFINITY);
  const [best] = [...pool].sort(
    (a, b) => a.activeInQueue - b.activeInQueue || idleSince(a) - idleSince(b) || a.agentId - b.agentId,
  );
  return best.agentId;
}

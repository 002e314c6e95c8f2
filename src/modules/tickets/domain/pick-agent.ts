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
  /** An admin (a candidate only while online): picked only when no agent has room. */
  admin?: boolean;
}

/**
 * The agent with room (activeTotal < capacity) and the fewest active tickets in the queue; ties go
 * to the one idle longest (never assigned counts as idlest), then the lowest id, so the choice is
 * deterministic. Online agents are preferred when presence is known; `onlineOnly` (a live chat the
 * bot handed over) takes only them. Admins (online ones: the only admins among the candidates) come
 * last, when no agent (of those allowed) has room: on a fresh install the admin answers, while in a
 * team an admin at the console for its settings is not handed the agents' work. Null when no one
 * (suitable) has room.
 */
export function pickAgent(candidates: readonly AgentLoad[], capacity: number, options: { onlineOnly?: boolean } = {}): number | null {
  const withRoom = candidates.filter((c) => c.activeTotal < capacity);
  const agents = withRoom.filter((c) => c.admin !== true);
  const onlineAgents = agents.filter((c) => c.online === true);
  const agentPool = onlineAgents.length > 0 || options.onlineOnly ? onlineAgents : agents;
  const pool = agentPool.length > 0 ? agentPool : withRoom.filter((c) => c.admin === true && c.online === true);
  if (pool.length === 0) return null;
  const idleSince = (c: AgentLoad) => (c.lastAssignedAt ? c.lastAssignedAt.getTime() : Number.NEGATIVE_INFINITY);
  const [best] = [...pool].sort(
    (a, b) => a.activeInQueue - b.activeInQueue || idleSince(a) - idleSince(b) || a.agentId - b.agentId,
  );
  return best.agentId;
}

import { type AgentLoad, pickAgent } from '#src/modules/tickets/domain/pick-agent.js';

const at = (iso: string) => new Date(iso);
const agent = (agentId: number, activeInQueue: number, activeTotal: number, lastAssignedAt: Date | null, online?: boolean): AgentLoad => ({
  agentId,
  activeInQueue,
  activeTotal,
  lastAssignedAt,
  online,
});
/** An admin is a candidate only while online (TicketsRepository.agentLoads). */
const admin = (agentId: number, activeInQueue: number, activeTotal: number): AgentLoad => ({ ...agent(agentId, activeInQueue, activeTotal, null, true), admin: true });

describe('pickAgent', () => {
  it.each([
    ['nobody to pick', [], null],
    ['the fewest active tickets in the queue', [agent(1, 3, 3, null), agent(2, 1, 5, null), agent(3, 2, 2, null)], 2],
    ['on a tie, the one idle longest', [agent(1, 1, 1, at('2026-11-22T10:00:00Z')), agent(2, 1, 1, at('2026-11-22T09:00:00Z'))], 2],
    ['on a tie, never assigned before anyone', [agent(1, 0, 0, at('2026-11-01T00:00:00Z')), agent(2, 0, 0, null)], 2],
    ['on a full tie, the lowest id', [agent(7, 0, 0, null), agent(3, 0, 0, null)], 3],
    ['skipping agents at capacity', [agent(1, 0, 10, null), agent(2, 4, 9, null)], 2],
    ['no one when all are at capacity', [agent(1, 0, 10, null), agent(2, 4, 12, null)], null],
    ['an online agent over a less busy offline one', [agent(1, 0, 0, null, false), agent(2, 3, 3, null, true)], 2],
    ['an offline agent when no online one has room', [agent(1, 0, 0, null, false), agent(2, 3, 10, null, true)], 1],
    ['an online agent over a less busy online admin', [admin(1, 0, 0), agent(2, 5, 5, null, true)], 2],
    ['an offline agent with room over an online admin', [admin(1, 0, 0), agent(2, 5, 5, null, false)], 2],
    ['an admin when no agent has room', [admin(1, 3, 3), agent(2, 0, 10, null, true), agent(3, 0, 10, null, false)], 1],
    ['among admins, the least busy', [admin(1, 3, 3), admin(2, 1, 1)], 2],
    ['no admin at capacity', [admin(1, 0, 10)], null],
  ] as const)('picks %s', (_, candidates, expected) => {
    expect(pickAgent(candidates, 10)).toBe(expected);
  });

  it.each([
    ['the least busy online agent', [agent(1, 0, 0, null, false), agent(2, 3, 3, null, true), agent(3, 1, 1, null, true)], 3],
    ['no one when only offline agents have room', [agent(1, 0, 0, null, false), agent(2, 3, 10, null, true)], null],
    ['no one when nobody is online', [agent(1, 0, 0, null, false)], null],
    ['an online agent over an online admin', [admin(1, 0, 0), agent(2, 3, 3, null, true)], 2],
    ['an online admin when only offline agents have room', [admin(1, 0, 0), agent(2, 0, 0, null, false)], 1],
  ] as const)('onlineOnly (a live chat the bot handed over) picks %s', (_, candidates, expected) => {
    expect(pickAgent(candidates, 10, { onlineOnly: true })).toBe(expected);
  });

  it('respects another capacity', () => {
    expect(pickAgent([agent(1, 0, 2, null)], 2)).toBeNull();
    expect(pickAgent([agent(1, 0, 2, null)], 3)).toBe(1);
  });
});

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type CsatGroupRow, type CsatSummary, csatSummary } from '#src/modules/ratings/domain/csat.js';

/**
 * A resolution in the ticket history: a status row into `resolved`, or into `closed` from anything
 * but `resolved` (closing stamps resolved_at when there was none). The partial index
 * ticket_events_resolution_idx has the same predicate.
 */
const RESOLUTION = `e.type = 'status' AND (e.to_value = 'resolved' OR (e.to_value = 'closed' AND e.from_value IS DISTINCT FROM 'resolved'))`;

/** overall / agent / queue, from the grouping sets (), (agent), (queue). */
const groupColumns = (agent: string, queue: string) =>
  `CASE WHEN grouping(${agent}) = 0 THEN 'agent' WHEN grouping(${queue}) = 0 THEN 'queue' ELSE 'overall' END AS "group",
   CASE WHEN grouping(${agent}) = 0 THEN ${agent} ELSE ${queue} END AS id,
   CASE WHEN grouping(${agent}) = 0 THEN u.name ELSE q.name END AS name`;

/**
 * The CSAT figures of /tickets/stats (the tickets module asks; this module owns the table). Both
 * counts cover the resolutions made in [from, to): the ratings of those resolutions, by the agent
 * and queue each rating recorded, and the resolutions, by the ticket's agent and queue now.
 */
@Injectable()
export class CsatStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async summary(from: Date, to: Date): Promise<CsatSummary> {
    const [ratings, resolutions] = await Promise.all([
      this.db.query(
        `SELECT ${groupColumns('r.agent_id', 'r.queue_id')}, count(*)::int AS count, sum(r.score)::int AS score_sum
           FROM ticket_ratings r
           LEFT JOIN users u ON u.id = r.agent_id
           LEFT JOIN queues q ON q.id = r.queue_id
          WHERE r.resolved_at >= $1 AND r.resolved_at < $2
          GROUP BY GROUPING SETS ((), (r.agent_id, u.name), (r.queue_id, q.name))`,
        [from, to],
      ) as Promise<CsatGroupRow[]>,
      this.db.query(
        `SELECT ${groupColumns('t.agent_id', 't.queue_id')}, count(*)::int AS count
           FROM ticket_events e
           JOIN tickets t ON t.id = e.ticket_id
           LEFT JOIN users u ON u.id = t.agent_id
           LEFT JOIN queues q ON q.id = t.queue_id
          WHERE ${RESOLUTION} AND e.created_at >= $1 AND e.created_at < $2
          GROUP BY GROUPING SETS ((), (t.agent_id, u.name), (t.queue_id, q.name))`,
        [from, to],
      ) as Promise<CsatGroupRow[]>,
    ]);
    return csatSummary(ratings, resolutions);
  }
}

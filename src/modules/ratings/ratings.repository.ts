import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface RatingRecord {
  id: number;
  ticket_id: number;
  resolved_at: Date;
  client_id: number;
  agent_id: number | null;
  queue_id: number | null;
  score: number;
  comment: string | null;
  created_at: Date;
}

const COLUMNS = 'r.id, r.ticket_id, r.resolved_at, r.client_id, r.agent_id, r.queue_id, r.score, r.comment, r.created_at';

@Injectable()
export class RatingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Rates the ticket's current resolution, in `manager`'s transaction (the ticket row locked): the
   * resolution, client, agent and queue are read from the ticket row itself. Null when this
   * resolution already has its rating (the unique key decides, also between two racing requests).
   */
  async insert(manager: EntityManager, ticketId: number, score: number, comment: string | null, now: Date): Promise<RatingRecord | null> {
    const rows: RatingRecord[] = await manager.query(
      `WITH r AS (
         INSERT INTO ticket_ratings (ticket_id, resolved_at, client_id, agent_id, queue_id, score, comment, created_at)
         SELECT t.id, t.resolved_at, t.client_id, t.agent_id, t.queue_id, $2, $3, $4 FROM tickets t
          WHERE t.id = $1 AND t.resolved_at IS NOT NULL
         ON CONFLICT ON CONSTRAINT ticket_ratings_resolution_key DO NOTHING
         RETURNING *
       )
       SELECT ${COLUMNS} FROM r`,
      [ticketId, score, comment, now],
    );
    return rows[0] ?? null;
  }

  /** The ticket's latest rating, and whether it rates the resolution the ticket stands in now. */
  async latestForTicket(ticketId: number): Promise<(RatingRecord & { rates_current: boolean }) | null> {
    const rows: (RatingRecord & { rates_current: boolean })[] = await this.db.query(
      `SELECT ${COLUMNS}, COALESCE(r.resolved_at = t.resolved_at, false) AS rates_current
         FROM ticket_ratings r JOIN tickets t ON t.id = r.ticket_id
        WHERE r.ticket_id = $1
        ORDER BY r.id DESC LIMIT 1`,
      [ticketId],
    );
    return rows[0] ?? null;
  }

  /** Every rating one customer gave, oldest first. */
  async byClient(clientId: number): Promise<RatingRecord[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ticket_ratings r WHERE r.client_id = $1 ORDER BY r.id`, [clientId]);
  }
}

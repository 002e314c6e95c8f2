import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Satisfaction ratings: one per resolution of a ticket. A rating names the resolution it rates by
 * the ticket's `resolved_at` at the time (a reopen clears it, the next resolution stamps a new one),
 * so the unique key (ticket_id, resolved_at) is "once per resolution". `agent_id` and `queue_id` are
 * the ticket's when it was rated (who and which queue the rating is about).
 *
 * The stats count resolutions from the ticket history (a status row into `resolved`, or into
 * `closed` from anything but `resolved`: closing stamps resolved_at when there was none); the
 * partial index keeps that count cheap however long the history grows.
 */
export class TicketRatings1764800310000 implements MigrationInterface {
  name = 'TicketRatings1764800310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_ratings (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        resolved_at timestamptz NOT NULL,
        client_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        agent_id integer REFERENCES users (id) ON DELETE SET NULL,
        queue_id integer REFERENCES queues (id) ON DELETE SET NULL,
        score smallint NOT NULL,
        comment text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ticket_ratings_score_check CHECK (score BETWEEN 1 AND 5),
        CONSTRAINT ticket_ratings_comment_check CHECK (comment IS NULL OR (length(btrim(comment)) > 0 AND length(comment) <= 2000)),
        CONSTRAINT ticket_ratings_resolution_key UNIQUE (ticket_id, resolved_at)
      )`);
    await q.query(`CREATE INDEX ticket_ratings_resolved_at_idx ON ticket_ratings (resolved_at)`);
    await q.query(`CREATE INDEX ticket_ratings_agent_id_idx ON ticket_ratings (agent_id)`);
    await q.query(`CREATE INDEX ticket_ratings_queue_id_idx ON ticket_ratings (queue_id)`);
    await q.query(`CREATE INDEX ticket_ratings_client_id_idx ON ticket_ratings (client_id)`);
    await q.query(`
      CREATE INDEX ticket_events_resolution_idx ON ticket_events (created_at)
       WHERE type = 'status' AND (to_value = 'resolved' OR (to_value = 'closed' AND from_value IS DISTINCT FROM 'resolved'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ticket_events_resolution_idx`);
    await q.query(`DROP TABLE ticket_ratings`);
  }
}

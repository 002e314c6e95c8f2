import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A visitor token's chat connections count against its visitor session, not the account (anyone
 * who knows an address may start a visit with it): per instance and visitor session, how many it
 * holds and when that was last confirmed, as `agent_presence` does for accounts.
 */
export class VisitorPresence1764801000000 implements MigrationInterface {
  name = 'VisitorPresence1764801000000';

  async up(q: QueryRunner): Promise<void> {
    // Unlogged: presence is rebuilt from live connections and means nothing after a crash.
    await q.query(`
      CREATE UNLOGGED TABLE visitor_presence (
        instance_id uuid NOT NULL,
        visitor_session_id integer NOT NULL REFERENCES visitor_sessions (id) ON DELETE CASCADE,
        connections integer NOT NULL CHECK (connections > 0),
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (visitor_session_id, instance_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE visitor_presence`);
  }
}

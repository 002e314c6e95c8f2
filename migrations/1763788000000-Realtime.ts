import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live chat across instances: the Socket.IO PostgreSQL adapter's table for large packets, and
 * agent presence (connections per agent per instance), which automatic assignment reads.
 */
export class Realtime1763788000000 implements MigrationInterface {
  name = 'Realtime1763788000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
    // Unlogged: presence is rebuilt from live connections and means nothing after a crash.
    await q.query(`
      CREATE UNLOGGED TABLE agent_presence (
        instance_id uuid NOT NULL,
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        connections integer NOT NULL CHECK (connections > 0),
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, instance_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_presence`);
    await q.query(`DROP TABLE socket_io_attachments`);
  }
}

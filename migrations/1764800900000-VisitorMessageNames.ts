import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A visitor's messages carry the name the visitor gave (issue 17 follow-up): a message records the
 * visitor session it was written with, and reads take the session's name as `author_name` instead
 * of the name stored for the address (which may be someone else's: the address is not proven).
 */
export class VisitorMessageNames1764800900000 implements MigrationInterface {
  name = 'VisitorMessageNames1764800900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN visitor_session_id integer REFERENCES visitor_sessions (id) ON DELETE SET NULL`);
    // For the foreign key's ON DELETE (a user's sessions go with the user); most messages have none.
    await q.query(`CREATE INDEX messages_visitor_session_id_idx ON messages (visitor_session_id) WHERE visitor_session_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN visitor_session_id`);
  }
}

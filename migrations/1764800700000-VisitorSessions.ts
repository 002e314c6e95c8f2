import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat without an account (issue 17): a visitor gives a name and an e-mail address and gets a token
 * bound to a visitor session. The token sees only the tickets opened with that session (their
 * `visitor_session_id`), never the address's other tickets (e-mail, other browsers, before). Claiming
 * the account by the mailed link ends the session's tokens (a new password bumps the token version);
 * a normal login then sees every ticket of the address.
 */
export class VisitorSessions1764800700000 implements MigrationInterface {
  name = 'VisitorSessions1764800700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE visitor_sessions (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT visitor_sessions_name_check CHECK (length(btrim(name)) > 0)
      )`);
    await q.query(`CREATE INDEX visitor_sessions_user_id_idx ON visitor_sessions (user_id)`);
    await q.query(`ALTER TABLE tickets ADD COLUMN visitor_session_id integer REFERENCES visitor_sessions (id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX tickets_visitor_session_id_idx ON tickets (visitor_session_id, created_at DESC, id DESC) WHERE visitor_session_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN visitor_session_id`);
    await q.query(`DROP TABLE visitor_sessions`);
  }
}

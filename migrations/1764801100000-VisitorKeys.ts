import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chat without an account outlives its tokens and can be ended. Each visitor session keeps the
 * SHA-256 of a visit key (given to the widget with the token, replaced at each renewal), which
 * renews the visit's token without a valid one (a visitor back after the token expired); a key
 * that was replaced renews nothing. `ended_at`: the visitor ended the chat, or the visit was cut
 * off; the session's tokens stop at once, on every instance (the auth_sessions notice, as for a
 * changed user, makes each instance drop the user's cached tokens).
 */
export class VisitorKeys1764801100000 implements MigrationInterface {
  name = 'VisitorKeys1764801100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE visitor_sessions ADD COLUMN key_hash bytea, ADD COLUMN ended_at timestamptz`);
    await q.query(`
      CREATE FUNCTION notify_visit_ended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_sessions', json_build_object('u', NEW.user_id)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER visitor_sessions_notify_auth AFTER UPDATE OF ended_at ON visitor_sessions
      FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL) EXECUTE FUNCTION notify_visit_ended()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER visitor_sessions_notify_auth ON visitor_sessions`);
    await q.query(`DROP FUNCTION notify_visit_ended()`);
    await q.query(`ALTER TABLE visitor_sessions DROP COLUMN key_hash, DROP COLUMN ended_at`);
  }
}

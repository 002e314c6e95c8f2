import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every instance caches verified sessions briefly; these triggers tell all of them (on channel
 * auth_sessions) when a token is revoked or a user changes, whoever made the change.
 */
export class SessionNotifications1763784000000 implements MigrationInterface {
  name = 'SessionNotifications1763784000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_auth_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_sessions', json_build_object('u', OLD.id)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER users_notify_auth AFTER UPDATE OF email, name, role, is_active, token_version OR DELETE ON users
      FOR EACH ROW EXECUTE FUNCTION notify_auth_user()`);
    await q.query(`
      CREATE FUNCTION notify_auth_token() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_sessions', json_build_object('j', NEW.jti)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER revoked_tokens_notify_auth AFTER INSERT ON revoked_tokens
      FOR EACH ROW EXECUTE FUNCTION notify_auth_token()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER revoked_tokens_notify_auth ON revoked_tokens`);
    await q.query(`DROP FUNCTION notify_auth_token`);
    await q.query(`DROP TRIGGER users_notify_auth ON users`);
    await q.query(`DROP FUNCTION notify_auth_user`);
  }
}

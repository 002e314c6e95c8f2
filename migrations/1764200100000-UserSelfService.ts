import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-service: a user's e-mail preference, and the one token that survives the user's own password
 * change (`kept_token_jti`: valid despite the bumped `token_version`, until the next bump).
 */
export class UserSelfService1764200100000 implements MigrationInterface {
  name = 'UserSelfService1764200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN notify_by_email boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE users ADD COLUMN kept_token_jti uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN kept_token_jti`);
    await q.query(`ALTER TABLE users DROP COLUMN notify_by_email`);
  }
}

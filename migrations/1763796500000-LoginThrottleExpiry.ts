import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each login attempt deletes a few login_throttle windows that are over: this finds them fast. */
export class LoginThrottleExpiry1763796500000 implements MigrationInterface {
  name = 'LoginThrottleExpiry1763796500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX login_throttle_window_started_at_idx ON login_throttle (window_started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX login_throttle_window_started_at_idx`);
  }
}

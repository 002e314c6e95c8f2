import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chat without an account outlives its tokens and can be ended. Each visitor session keeps the
 * SHA-256 of a visit key (given to the widget with the token, replaced at each renewal), which
 * renews the visit's token without a valid one (a visitor back after the token expired); a key
 * used twice ends the visit (a copy is in someone else's hands). `ended_at`: the visitor ended the
 * chat, or the visit was cut off; the session's tokens stop at once.
 */
export class VisitorKeys1764801100000 implements MigrationInterface {
  name = 'VisitorKeys1764801100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE visitor_sessions ADD COLUMN key_hash bytea, ADD COLUMN ended_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE visitor_sessions DROP COLUMN key_hash, DROP COLUMN ended_at`);
  }
}

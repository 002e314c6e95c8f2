import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visit keys are checked for reuse, as refresh tokens are under rotation (RFC 6819 5.2.2.3): each
 * visitor session keeps, beside its current key's SHA-256, the one the last renewal replaced and
 * when. That key again within a short window is a retried renewal (answered alike); later, or any
 * older key of the visit, means the key was copied, and the visit ends. Hashes only, as before.
 * The check binds new writes (existing rows have neither column: nothing to validate, no scan).
 */
export class VisitKeyReuse1764801400000 implements MigrationInterface {
  name = 'VisitKeyReuse1764801400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE visitor_sessions
        ADD COLUMN previous_key_hash bytea,
        ADD COLUMN key_rotated_at timestamptz,
        ADD CONSTRAINT visitor_sessions_previous_key_check CHECK (previous_key_hash IS NULL OR key_rotated_at IS NOT NULL) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE visitor_sessions
        DROP CONSTRAINT visitor_sessions_previous_key_check,
        DROP COLUMN previous_key_hash,
        DROP COLUMN key_rotated_at`);
  }
}

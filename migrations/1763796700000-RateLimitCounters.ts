import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters shared by all instances when REDIS_URL is unset: one row per key and window.
 * UNLOGGED: no WAL for these hot, short-lived rows; a crash empties the table, which only resets limits.
 */
export class RateLimitCounters1763796700000 implements MigrationInterface {
  name = 'RateLimitCounters1763796700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key text PRIMARY KEY,
        hits integer NOT NULL CHECK (hits > 0),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX rate_limit_counters_expires_at_idx ON rate_limit_counters (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_counters`);
  }
}

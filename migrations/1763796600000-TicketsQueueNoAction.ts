import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL 18 reports a violated ON DELETE RESTRICT with SQLSTATE 23001 (restrict_violation)
 * instead of 23503, so deleting a queue that still has tickets became a 500 rather than a 409 on
 * the embedded PostgreSQL. NO ACTION keeps the same rule (no queue with tickets can go; nothing
 * here defers constraints) and reports 23503 on every version.
 */
export class TicketsQueueNoAction1763796600000 implements MigrationInterface {
  name = 'TicketsQueueNoAction1763796600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        DROP CONSTRAINT tickets_queue_id_fkey,
        ADD CONSTRAINT tickets_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES queues (id) ON DELETE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        DROP CONSTRAINT tickets_queue_id_fkey,
        ADD CONSTRAINT tickets_queue_id_fkey FOREIGN KEY (queue_id) REFERENCES queues (id) ON DELETE RESTRICT`);
  }
}

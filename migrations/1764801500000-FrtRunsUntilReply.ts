import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first-response clock runs until the first public agent reply in every active status, not
 * only in `open`: taking a ticket in progress (by hand or by assignment) answers nobody. The minute
 * job's partial index follows the wider predicate (runningClockSql('frt')), or its range scan would
 * no longer match the query.
 */
export class FrtRunsUntilReply1764801500000 implements MigrationInterface {
  name = 'FrtRunsUntilReply1764801500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_frt_due_idx`);
    await q.query(
      `CREATE INDEX tickets_frt_due_idx ON tickets (frt_deadline, id)
       WHERE status IN ('open', 'in_progress', 'waiting_customer') AND first_response_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_frt_due_idx`);
    await q.query(`CREATE INDEX tickets_frt_due_idx ON tickets (frt_deadline, id) WHERE status = 'open' AND first_response_at IS NULL`);
  }
}

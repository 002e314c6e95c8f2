import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first-response clock runs until the first public agent reply in every active status, not
 * only in `open`: taking a ticket in progress (by hand or by assignment) answers nobody. The minute
 * job's partial index follows the wider predicate (runningClockSql('frt')), or its range scan would
 * no longer match the query.
 *
 * On an existing database this is a change of rule, not news: active tickets taken in progress
 * without a reply whose first-response deadline has already passed were, until now, counted met.
 * Their warning and breach are recorded as already told, so the first minute after the upgrade does
 * not announce, escalate and mail a whole backlog at once. Deadlines still ahead are watched as
 * any other.
 *
 * Outside a transaction, so that the index is built without blocking writes to `tickets`
 * (CONCURRENTLY): the new one first, then the old one goes, then the new one takes its name.
 * TypeORM's revert ignores `transaction = false`: revert it with `-t none` (`--transaction none`).
 */
export class FrtRunsUntilReply1764801500000 implements MigrationInterface {
  name = 'FrtRunsUntilReply1764801500000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY tickets_frt_running_idx ON tickets (frt_deadline, id)
       WHERE status IN ('open', 'in_progress', 'waiting_customer') AND first_response_at IS NULL`,
    );
    await q.query(`DROP INDEX CONCURRENTLY tickets_frt_due_idx`);
    await q.query(`ALTER INDEX tickets_frt_running_idx RENAME TO tickets_frt_due_idx`);
    await q.query(
      `INSERT INTO sla_events (ticket_id, kind, type, deadline, minutes_left)
       SELECT t.id, 'frt', told.type, t.frt_deadline, 0
         FROM tickets t CROSS JOIN (VALUES ('warning'), ('breached')) AS told(type)
        WHERE t.status IN ('in_progress', 'waiting_customer') AND t.first_response_at IS NULL AND t.frt_deadline <= now()
       ON CONFLICT ON CONSTRAINT sla_events_once_key DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX CONCURRENTLY tickets_frt_open_idx ON tickets (frt_deadline, id) WHERE status = 'open' AND first_response_at IS NULL`);
    await q.query(`DROP INDEX CONCURRENTLY tickets_frt_due_idx`);
    await q.query(`ALTER INDEX tickets_frt_open_idx RENAME TO tickets_frt_due_idx`);
  }
}

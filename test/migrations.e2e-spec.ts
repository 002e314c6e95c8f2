import { DataSource } from 'typeorm';
import { dataSourceOptions } from '#src/database/data-source.js';
import { SlaMonitorService } from '#src/modules/sla/sla-monitor.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { createTestApp } from './utils/create-test-app.js';
import { createTestDatabase } from './utils/test-db.js';

/** Upgrades of a database that already holds data: what a migration does to the rows it finds. */
describe('upgrading a database with data', () => {
  it('FrtRunsUntilReply takes the unanswered tickets in progress past their first-response deadline as already told, so the first minute after it announces none of them', async () => {
    const database = await createTestDatabase();
    const ds = new DataSource(dataSourceOptions(database.url));
    await ds.initialize();
    try {
      // The database as it stood before the migration (any later ones undone first). TypeORM's undo
      // ignores a migration's own `transaction = false`: its CONCURRENTLY index needs none at all.
      while ((await ds.query(`SELECT 1 FROM migrations WHERE name = 'FrtRunsUntilReply1764801500000'`)).length > 0) {
        await ds.undoLastMigration({ transaction: 'none' });
      }
      const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
      const overdue = await createTicket(ds, { status: 'in_progress', frtDeadline: minutesFromNow(-90) });
      const waiting = await createTicket(ds, { status: 'waiting_customer', frtDeadline: minutesFromNow(-5) });
      const ahead = await createTicket(ds, { status: 'in_progress', frtDeadline: minutesFromNow(180) });
      const answered = await createTicket(ds, { status: 'in_progress', frtDeadline: minutesFromNow(-90), firstResponseAt: minutesFromNow(-100) });

      await ds.runMigrations({ transaction: 'each' });
      const told: { ticket_id: number; type: string }[] = await ds.query(
        `SELECT ticket_id, type FROM sla_events WHERE kind = 'frt' AND ticket_id = ANY($1) ORDER BY ticket_id, type`,
        [[overdue.id, waiting.id, ahead.id, answered.id]],
      );
      expect(told).toEqual([
        { ticket_id: overdue.id, type: 'breached' },
        { ticket_id: overdue.id, type: 'warning' },
        { ticket_id: waiting.id, type: 'breached' },
        { ticket_id: waiting.id, type: 'warning' },
      ]);
    } finally {
      await ds.destroy();
    }
    const t = await createTestApp({}, database);
    try {
      // The backlog is not news; the ticket whose deadline is still ahead is watched as any other.
      expect(await t.app.get(SlaMonitorService).run(new Date())).toMatchObject({ warnings: 0, breaches: 0, failed: 0 });
      expect(await t.app.get(SlaMonitorService).run(new Date(Date.now() + 150 * 60_000))).toMatchObject({ warnings: 1, breaches: 0 });
    } finally {
      await t.close();
      await database.drop();
    }
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files on the ticket itself (the first screenshot, before any message): an attachment now belongs
 * to exactly one of a message, a note or a ticket.
 */
export class TicketAttachments1764200000000 implements MigrationInterface {
  name = 'TicketAttachments1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attachments ADD COLUMN ticket_id integer REFERENCES tickets (id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE attachments DROP CONSTRAINT attachments_one_parent_check`);
    await q.query(`ALTER TABLE attachments ADD CONSTRAINT attachments_one_parent_check CHECK (num_nonnulls(message_id, note_id, ticket_id) = 1)`);
    await q.query(`CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, id) WHERE ticket_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Ticket-level rows cannot exist without the column; their files become orphans for the sweep.
    await q.query(`DELETE FROM attachments WHERE ticket_id IS NOT NULL`);
    await q.query(`DROP INDEX attachments_ticket_idx`);
    await q.query(`ALTER TABLE attachments DROP CONSTRAINT attachments_one_parent_check`);
    await q.query(`ALTER TABLE attachments DROP COLUMN ticket_id`);
    await q.query(`ALTER TABLE attachments ADD CONSTRAINT attachments_one_parent_check CHECK (num_nonnulls(message_id, note_id) = 1)`);
  }
}

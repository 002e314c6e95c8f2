import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads made for a message not yet sent (`POST /tickets/:id/attachments?for=message`): the row
 * waits on its ticket with `pending` set, unseen by anyone but its uploader, until a message claims
 * it through `attachment_ids` (it moves under the message and `pending` clears) or the cleanup job
 * removes it after UPLOAD_PENDING_TTL_MINUTES. The partial index is what that job reads.
 */
export class PendingUploads1764801300000 implements MigrationInterface {
  name = 'PendingUploads1764801300000';
  // Each statement on its own, so no lock on a large `attachments` is held across a scan: the
  // column takes a constant default (no rewrite), the check binds new rows (every existing row is
  // not pending: nothing to validate), and the index is built without blocking writes.
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attachments ADD COLUMN pending boolean NOT NULL DEFAULT false`);
    // A pending upload waits on a ticket; once on a message or a note it is no longer pending.
    await q.query(`ALTER TABLE attachments ADD CONSTRAINT attachments_pending_check CHECK (NOT pending OR ticket_id IS NOT NULL) NOT VALID`);
    await q.query(`CREATE INDEX CONCURRENTLY attachments_pending_idx ON attachments (created_at) WHERE pending`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Uploads nobody sent are not ticket files: their rows go, and their files to the orphan sweep.
    await q.query(`DELETE FROM attachments WHERE pending`);
    await q.query(`DROP INDEX attachments_pending_idx`);
    await q.query(`ALTER TABLE attachments DROP CONSTRAINT attachments_pending_check`);
    await q.query(`ALTER TABLE attachments DROP COLUMN pending`);
  }
}

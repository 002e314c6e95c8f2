import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail that cannot be fetched in time no longer holds up the mail behind it:
 * - `inbound_fetch_attempts`: per mail (mailbox, UIDVALIDITY, UID) not yet taken, how many fetches
 *   gave up, so a mail that never downloads within IMAP_TIMEOUT_SECONDS is given up (recorded failed,
 *   `fetch_timeout`) after a bounded number of polls instead of being retried forever; rows go once
 *   the cursor passes the mail;
 * - an index on `inbound_mails` by position, so a poll knows which mails above the cursor it already
 *   holds (taken while an earlier one waited) without fetching them again.
 */
export class InboundFetchAttempts1764801800000 implements MigrationInterface {
  name = 'InboundFetchAttempts1764801800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_fetch_attempts (
        mailbox_id integer NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        uid_validity bigint NOT NULL,
        uid bigint NOT NULL,
        attempts integer NOT NULL,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (mailbox_id, uid_validity, uid),
        CONSTRAINT inbound_fetch_attempts_attempts_check CHECK (attempts > 0)
      )`);
    await q.query(`CREATE INDEX inbound_mails_position_idx ON inbound_mails (mailbox_id, uid_validity, uid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbound_mails_position_idx`);
    await q.query(`DROP TABLE inbound_fetch_attempts`);
  }
}

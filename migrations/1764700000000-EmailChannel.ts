import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The e-mail channel's inbound half and the thread index both halves share:
 * - `mailboxes`: one row per polled mailbox (host, user, folder): the UIDVALIDITY and the last UID
 *   whose rows are committed (the cursor), a lease so one instance polls at a time, and the last
 *   poll's outcome for GET /email/status;
 * - `inbound_mails`: every mail we looked at, exactly once (the unique dedup key: the Message-ID,
 *   or a hash of date, sender and body without one), ingested, skipped or failed with its reason,
 *   and the raw source kept for agents;
 * - `email_message_ids`: every Message-ID we sent or received on a ticket, so a reply naming one
 *   in In-Reply-To or References threads onto that ticket;
 * - `tickets.follows_ticket_id`: a reply to a ticket closed long ago opens a new ticket linked to it.
 */
export class EmailChannel1764700000000 implements MigrationInterface {
  name = 'EmailChannel1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mailboxes (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key text NOT NULL UNIQUE,
        uid_validity bigint,
        last_uid bigint NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz,
        last_poll_at timestamptz,
        last_poll_ok boolean,
        last_poll_error text,
        server_messages integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mailboxes_last_uid_check CHECK (last_uid >= 0)
      )`);
    await q.query(`
      CREATE TABLE inbound_mails (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        mailbox_id integer NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        uid_validity bigint NOT NULL,
        uid bigint NOT NULL,
        dedup_key text NOT NULL,
        message_id text,
        from_address text,
        subject text,
        status varchar(10) NOT NULL,
        reason text,
        ticket_id integer REFERENCES tickets (id) ON DELETE SET NULL,
        ticket_message_id integer REFERENCES messages (id) ON DELETE SET NULL,
        size integer NOT NULL,
        raw bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inbound_mails_status_check CHECK (status IN ('ingested', 'skipped', 'failed')),
        CONSTRAINT inbound_mails_dedup_key UNIQUE (dedup_key)
      )`);
    await q.query(`CREATE INDEX inbound_mails_mailbox_status_idx ON inbound_mails (mailbox_id, status)`);
    await q.query(`CREATE INDEX inbound_mails_ticket_message_idx ON inbound_mails (ticket_message_id) WHERE ticket_message_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE email_message_ids (
        message_id text PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        direction varchar(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT email_message_ids_direction_check CHECK (direction IN ('in', 'out'))
      )`);
    await q.query(`CREATE INDEX email_message_ids_ticket_idx ON email_message_ids (ticket_id)`);
    await q.query(`ALTER TABLE tickets ADD COLUMN follows_ticket_id integer REFERENCES tickets (id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN follows_ticket_id`);
    await q.query(`DROP TABLE email_message_ids`);
    await q.query(`DROP TABLE inbound_mails`);
    await q.query(`DROP TABLE mailboxes`);
  }
}

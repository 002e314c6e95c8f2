import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound delivery (issue 13):
 * - `outbox`: anything to send (mail now, webhooks later), written in the transaction that caused
 *   it and delivered by a job: claimed with a lease (`locked_until`), retried with backoff until
 *   `sent`, or `dead` after too many attempts with the last error kept;
 * - `mail_log`: one row per mail queued to an address, for the hourly caps on automatic mails and
 *   on password links;
 * - `password_tokens`: one-time links that set a password (a forgotten one, or a contact claiming
 *   its account), kept as SHA-256 hashes only.
 */
export class OutboxAndMail1764700100000 implements MigrationInterface {
  name = 'OutboxAndMail1764700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic varchar(40) NOT NULL,
        payload jsonb NOT NULL,
        status varchar(8) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'dead')),
        CONSTRAINT outbox_attempts_check CHECK (attempts >= 0)
      )`);
    await q.query(`CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE status = 'sent'`);
    await q.query(`
      CREATE TABLE mail_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        to_address citext NOT NULL,
        kind varchar(32) NOT NULL,
        ticket_id integer REFERENCES tickets (id) ON DELETE SET NULL,
        outbox_id bigint REFERENCES outbox (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mail_log_address_idx ON mail_log (to_address, created_at)`);
    await q.query(`CREATE INDEX mail_log_outbox_idx ON mail_log (outbox_id)`);
    await q.query(`
      CREATE TABLE password_tokens (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL UNIQUE,
        purpose varchar(8) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT password_tokens_purpose_check CHECK (purpose IN ('reset', 'claim'))
      )`);
    await q.query(`CREATE INDEX password_tokens_user_idx ON password_tokens (user_id) WHERE used_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_tokens`);
    await q.query(`DROP TABLE mail_log`);
    await q.query(`DROP TABLE outbox`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (issue 16):
 * - `webhook_endpoints`: where an admin wants events sent, which events, and the signing secret
 *   (kept in clear: every delivery is signed with it; it never leaves in an answer after creation).
 *   `consecutive_failures` counts deliveries given up in a row; past the limit the endpoint is made
 *   inactive.
 * - `webhook_deliveries`: one row per event per endpoint, its body fixed when the event happened and
 *   its `webhook_id` the same on every attempt; the log admins read (status, last response code,
 *   duration, attempts).
 * - `outbox.ordering_key`: rows sharing a key are sent one after the other in id order (a later row
 *   waits while an earlier one is pending); rows without a key (mail) are claimed as before.
 */
export class Webhooks1764800200000 implements MigrationInterface {
  name = 'Webhooks1764800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        url varchar(2000) NOT NULL,
        events varchar(40)[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        secret varchar(100) NOT NULL,
        consecutive_failures integer NOT NULL DEFAULT 0,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_endpoints_events_check CHECK (cardinality(events) > 0)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id integer NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        webhook_id varchar(64) NOT NULL UNIQUE,
        event_type varchar(40) NOT NULL,
        ticket_id integer,
        body jsonb NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        response_code integer,
        duration_ms integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed'))
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC)`);
    await q.query(`ALTER TABLE outbox ADD COLUMN ordering_key varchar(100)`);
    await q.query(`CREATE INDEX outbox_ordering_idx ON outbox (ordering_key, id) WHERE status = 'pending' AND ordering_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_ordering_idx`);
    await q.query(`ALTER TABLE outbox DROP COLUMN ordering_key`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}

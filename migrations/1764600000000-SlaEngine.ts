import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SLA engine: business calendars, a policy per priority (seeded at start-up from the SLA_*
 * settings, since a migration reads no configuration), the events the minute job records exactly
 * once, and partial indexes that let the job read only the tickets that are due.
 */
export class SlaEngine1764600000000 implements MigrationInterface {
  name = 'SlaEngine1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE business_calendars (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name citext NOT NULL UNIQUE,
        time_zone text NOT NULL,
        weekly jsonb NOT NULL,
        holidays date[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT business_calendars_name_check CHECK (length(btrim(name)) > 0),
        CONSTRAINT business_calendars_weekly_check CHECK (jsonb_typeof(weekly) = 'object')
      )`);
    await q.query(`
      CREATE TABLE sla_policies (
        priority varchar(10) PRIMARY KEY,
        frt_minutes integer NOT NULL,
        ttr_minutes integer NOT NULL,
        -- NO ACTION rather than RESTRICT: the same rule, reported as 23503 by every PostgreSQL version.
        calendar_id integer REFERENCES business_calendars (id) ON DELETE NO ACTION,
        pause_while_waiting boolean NOT NULL DEFAULT false,
        breach_notify_admins boolean NOT NULL DEFAULT false,
        breach_raise_priority boolean NOT NULL DEFAULT false,
        breach_unassign boolean NOT NULL DEFAULT false,
        breach_queue_id integer REFERENCES queues (id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sla_policies_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
        CONSTRAINT sla_policies_frt_check CHECK (frt_minutes BETWEEN 1 AND 525600),
        CONSTRAINT sla_policies_ttr_check CHECK (ttr_minutes BETWEEN 1 AND 525600)
      )`);
    await q.query(`
      CREATE TABLE sla_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        kind varchar(3) NOT NULL,
        type varchar(10) NOT NULL,
        deadline timestamptz NOT NULL,
        minutes_left integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sla_events_kind_check CHECK (kind IN ('frt', 'ttr')),
        CONSTRAINT sla_events_type_check CHECK (type IN ('warning', 'breached')),
        -- Exactly once per ticket, kind and deadline, however many instances run the job.
        CONSTRAINT sla_events_once_key UNIQUE (ticket_id, kind, type, deadline)
      )`);
    // What the minute job reads: FRT of open tickets not answered yet, TTR of tickets not resolved.
    await q.query(`CREATE INDEX tickets_frt_due_idx ON tickets (frt_deadline, id) WHERE status = 'open' AND first_response_at IS NULL`);
    await q.query(`CREATE INDEX tickets_ttr_due_idx ON tickets (ttr_deadline, id) WHERE status IN ('open', 'in_progress', 'waiting_customer')`);
    // History gains the SLA's own entries (a breach and the escalation it triggered).
    await q.query(`ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_type_check`);
    await q.query(`
      ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_type_check CHECK (type IN (
        'created', 'status', 'priority', 'queue', 'assignment', 'first_response', 'title', 'description', 'category',
        'sla_breached', 'sla_escalation'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM ticket_events WHERE type IN ('sla_breached', 'sla_escalation')`);
    await q.query(`ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_type_check`);
    await q.query(`
      ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_type_check CHECK (type IN (
        'created', 'status', 'priority', 'queue', 'assignment', 'first_response', 'title', 'description', 'category'))`);
    await q.query(`DROP INDEX tickets_ttr_due_idx`);
    await q.query(`DROP INDEX tickets_frt_due_idx`);
    await q.query(`DROP TABLE sla_events`);
    await q.query(`DROP TABLE sla_policies`);
    await q.query(`DROP TABLE business_calendars`);
  }
}

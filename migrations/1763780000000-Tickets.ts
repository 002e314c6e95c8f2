import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Tickets1763780000000 implements MigrationInterface {
  name = 'Tickets1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tickets (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        title varchar(200) NOT NULL,
        description text NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'open',
        priority varchar(10) NOT NULL DEFAULT 'medium',
        category varchar(100),
        queue_id integer REFERENCES queues (id) ON DELETE RESTRICT,
        client_id integer NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        agent_id integer REFERENCES users (id) ON DELETE SET NULL,
        source varchar(10) NOT NULL DEFAULT 'web',
        frt_deadline timestamptz NOT NULL,
        ttr_deadline timestamptz NOT NULL,
        first_response_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tickets_title_check CHECK (length(btrim(title)) > 0),
        CONSTRAINT tickets_description_check CHECK (length(description) <= 20000),
        CONSTRAINT tickets_status_check CHECK (status IN ('open', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
        CONSTRAINT tickets_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
        CONSTRAINT tickets_source_check CHECK (source IN ('web', 'chat', 'email', 'api')),
        CONSTRAINT tickets_closed_at_check CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
        CONSTRAINT tickets_resolved_at_check CHECK (status NOT IN ('resolved', 'closed') OR resolved_at IS NOT NULL)
      )`);
    // Newest-first keyset order, alone and under each list filter.
    await q.query(`CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_status_created_idx ON tickets (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_client_created_idx ON tickets (client_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_agent_created_idx ON tickets (agent_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_queue_created_idx ON tickets (queue_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_priority_created_idx ON tickets (priority, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_category_created_idx ON tickets (category, created_at DESC, id DESC) WHERE category IS NOT NULL`);
    // Substring search over title and description.
    await q.query(`CREATE INDEX tickets_search_trgm_idx ON tickets USING gin ((title || ' ' || description) gin_trgm_ops)`);
    // Automatic assignment: waiting tickets oldest first, and each agent's active load.
    await q.query(`CREATE INDEX tickets_unassigned_idx ON tickets (created_at, id) WHERE agent_id IS NULL AND status IN ('open', 'in_progress', 'waiting_customer')`);
    await q.query(`CREATE INDEX tickets_agent_active_idx ON tickets (agent_id, queue_id) WHERE status IN ('open', 'in_progress', 'waiting_customer')`);

    await q.query(`
      CREATE TABLE messages (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        author_id integer REFERENCES users (id) ON DELETE SET NULL,
        author_type varchar(10) NOT NULL,
        is_from_agent boolean NOT NULL,
        content text NOT NULL,
        client_msg_id varchar(100),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_author_type_check CHECK (author_type IN ('client', 'agent', 'bot', 'system')),
        CONSTRAINT messages_content_check CHECK (length(btrim(content)) > 0 AND length(content) <= 20000)
      )`);
    await q.query(`CREATE INDEX messages_ticket_idx ON messages (ticket_id, id)`);
    // A retried send with the same client_msg_id stores one row.
    await q.query(`CREATE UNIQUE INDEX messages_client_msg_id_key ON messages (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE notes (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        author_id integer REFERENCES users (id) ON DELETE SET NULL,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notes_content_check CHECK (length(btrim(content)) > 0 AND length(content) <= 20000)
      )`);
    await q.query(`CREATE INDEX notes_ticket_idx ON notes (ticket_id, id)`);

    // Append-only history: one row for every change, with who made it and when.
    await q.query(`
      CREATE TABLE ticket_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id integer NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        actor_id integer REFERENCES users (id) ON DELETE SET NULL,
        type varchar(30) NOT NULL,
        from_value text,
        to_value text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ticket_events_type_check CHECK (type IN ('created', 'status', 'priority', 'queue', 'assignment', 'first_response', 'title', 'description', 'category'))
      )`);
    await q.query(`CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id)`);
    await q.query(`CREATE INDEX ticket_events_assignment_idx ON ticket_events (to_value, created_at DESC) WHERE type = 'assignment'`);
    await q.query(`
      CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ticket_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OF ticket_id, type, from_value, to_value, created_at ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_events`);
    await q.query(`DROP FUNCTION ticket_events_append_only`);
    await q.query(`DROP TABLE notes`);
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE tickets`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1763776000000 implements MigrationInterface {
  name = 'Foundation1763776000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS citext`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      CREATE TABLE users (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email citext NOT NULL,
        name varchar(200) NOT NULL,
        password_hash text,
        role varchar(16) NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_role_check CHECK (role IN ('client', 'agent', 'admin')),
        CONSTRAINT users_email_check CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
        CONSTRAINT users_name_check CHECK (length(btrim(name)) > 0)
      )`);
    await q.query(`CREATE INDEX users_role_active_idx ON users (role, id) WHERE is_active`);

    await q.query(`
      CREATE TABLE revoked_tokens (
        jti uuid PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at)`);

    await q.query(`
      CREATE TABLE login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE queues (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name citext NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT queues_name_key UNIQUE (name),
        CONSTRAINT queues_name_check CHECK (length(btrim(name)) > 0)
      )`);
    await q.query(`
      INSERT INTO queues (name, description) VALUES
        ('Technical support', 'Problems using the product'),
        ('Billing', 'Invoices, payments and refunds'),
        ('Logistics', 'Orders, delivery and returns'),
        ('General questions', 'Everything else'),
        ('Email', 'Tickets opened by e-mail')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE queues`);
    await q.query(`DROP TABLE login_throttle`);
    await q.query(`DROP TABLE revoked_tokens`);
    await q.query(`DROP TABLE users`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custom ticket fields: their definitions in `custom_fields` (a trigger NOTIFYs `custom_fields` on
 * every change, so each instance drops its cached copy), and each ticket's values in
 * `tickets.custom_fields`, a jsonb object `{key: value}` with a GIN (jsonb_path_ops) index for the
 * list filter `custom_fields @> '{"key": value}'`. Adding a column with a constant default
 * rewrites nothing, so this is quick on a large tickets table.
 */
export class CustomFields1764800400000 implements MigrationInterface {
  name = 'CustomFields1764800400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE custom_fields (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key varchar(64) NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
        label varchar(200) NOT NULL CHECK (btrim(label) <> ''),
        type varchar(10) NOT NULL CHECK (type IN ('text', 'number', 'date', 'select', 'checkbox')),
        options text[] CHECK ((type = 'select') = (options IS NOT NULL) AND (options IS NULL OR cardinality(options) > 0)),
        required boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION notify_custom_fields() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('custom_fields', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER custom_fields_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON custom_fields
      FOR EACH STATEMENT EXECUTE FUNCTION notify_custom_fields()`);
    await q.query(`ALTER TABLE tickets ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object')`);
    await q.query(`CREATE INDEX tickets_custom_fields_idx ON tickets USING gin (custom_fields jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_custom_fields_idx`);
    await q.query(`ALTER TABLE tickets DROP COLUMN custom_fields`);
    await q.query(`DROP TABLE custom_fields`);
    await q.query(`DROP FUNCTION notify_custom_fields`);
  }
}

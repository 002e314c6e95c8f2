import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files on messages and notes. The bytes live on disk under UPLOAD_DIR at `storage_key`; the row is
 * the file's existence as far as users are concerned (a file without a row is swept away).
 */
export class Attachments1763792000000 implements MigrationInterface {
  name = 'Attachments1763792000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id integer REFERENCES messages (id) ON DELETE CASCADE,
        note_id integer REFERENCES notes (id) ON DELETE CASCADE,
        uploader_id integer REFERENCES users (id) ON DELETE SET NULL,
        filename varchar(255) NOT NULL,
        content_type varchar(255) NOT NULL,
        size bigint NOT NULL,
        sha256 char(64) NOT NULL,
        storage_key varchar(100) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT attachments_one_parent_check CHECK (num_nonnulls(message_id, note_id) = 1),
        CONSTRAINT attachments_filename_check CHECK (length(filename) > 0),
        CONSTRAINT attachments_size_check CHECK (size >= 0),
        CONSTRAINT attachments_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX attachments_message_idx ON attachments (message_id, id) WHERE message_id IS NOT NULL`);
    await q.query(`CREATE INDEX attachments_note_idx ON attachments (note_id, id) WHERE note_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attachments`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notes say who wrote them, as messages do: `author_type` (an agent today; the bot and the system
 * later, with no user behind them). And notes can be edited: `updated_at` moves on each edit
 * (equal to `created_at` for a note never edited).
 */
export class NoteAuthorsAndEdits1764100000000 implements MigrationInterface {
  name = 'NoteAuthorsAndEdits1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // Every note so far was written by an agent: the default fills them, then each insert names its type.
    await q.query(`
      ALTER TABLE notes
        ADD COLUMN author_type varchar(10) NOT NULL DEFAULT 'agent',
        ADD CONSTRAINT notes_author_type_check CHECK (author_type IN ('agent', 'bot', 'system')),
        ADD COLUMN updated_at timestamptz`);
    await q.query(`ALTER TABLE notes ALTER COLUMN author_type DROP DEFAULT`);
    await q.query(`UPDATE notes SET updated_at = created_at`);
    await q.query(`ALTER TABLE notes ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notes DROP COLUMN updated_at, DROP COLUMN author_type`);
  }
}

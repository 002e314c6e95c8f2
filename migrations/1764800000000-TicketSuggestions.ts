import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suggested categorisation (issue 14): the category and queue a language model proposes for a
 * ticket that arrived without a category, stored beside the ticket's own and shown to agents. A
 * deleted queue only loses the suggestion.
 */
export class TicketSuggestions1764800000000 implements MigrationInterface {
  name = 'TicketSuggestions1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN suggested_category varchar(100),
        ADD COLUMN suggested_queue_id integer REFERENCES queues (id) ON DELETE SET NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN suggested_queue_id, DROP COLUMN suggested_category`);
  }
}

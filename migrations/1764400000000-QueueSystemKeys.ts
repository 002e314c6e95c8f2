import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the five queues the Foundation migration seeded with a stable system key, so code finds
 * "the general queue" or "the e-mail queue" whatever they are called: their names follow LOCALE
 * (src/modules/queues/system-queues.service.ts) and admins may rename them. They are the rows
 * with ids 1 to 5 (an identity column on a new table, filled by one INSERT in this order); a
 * seeded queue an admin has renamed keeps its key, one that was deleted gets none.
 */
export class QueueSystemKeys1764400000000 implements MigrationInterface {
  name = 'QueueSystemKeys1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE queues
        ADD COLUMN system_key varchar(32),
        ADD CONSTRAINT queues_system_key_key UNIQUE (system_key),
        ADD CONSTRAINT queues_system_key_check CHECK (system_key ~ '^[a-z][a-z_]*$')`);
    await q.query(`
      UPDATE queues SET system_key = seeded.key
        FROM (VALUES (1, 'technical'), (2, 'billing'), (3, 'logistics'), (4, 'general'), (5, 'email')) AS seeded (id, key)
       WHERE queues.id = seeded.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queues DROP COLUMN system_key`);
  }
}

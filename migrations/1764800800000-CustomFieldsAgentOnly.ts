import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent-only custom fields (internal ones such as "refund approved"): customers never see their
 * values and may not set them. False for every field there is, so each keeps its behaviour. A
 * constant default rewrites nothing.
 */
export class CustomFieldsAgentOnly1764800800000 implements MigrationInterface {
  name = 'CustomFieldsAgentOnly1764800800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE custom_fields ADD COLUMN agent_only boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE custom_fields DROP COLUMN agent_only`);
  }
}

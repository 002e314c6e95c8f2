import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Canned responses: agents' saved replies, personal (seen by their owner only) or shared (seen by
 * every agent). A shortcut is unique among one owner's personal replies and among the shared ones
 * (a personal `/refund` may sit beside a shared `/refund`). Lists are ordered by (shortcut, id) and
 * searched by a shortcut prefix; both are served by the indexes below.
 */
export class CannedResponses1764800300000 implements MigrationInterface {
  name = 'CannedResponses1764800300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canned_responses (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- "C": byte order, so the list's order and its keyset agree with the prefix search on one index.
        shortcut varchar(50) COLLATE "C" NOT NULL,
        title varchar(200) NOT NULL,
        content text NOT NULL,
        shared boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT canned_responses_shortcut_check CHECK (shortcut ~ '^[a-z0-9][a-z0-9_.-]*$'),
        CONSTRAINT canned_responses_title_check CHECK (length(btrim(title)) > 0),
        CONSTRAINT canned_responses_content_check CHECK (length(btrim(content)) > 0 AND length(content) <= 20000)
      )`);
    await q.query(`CREATE UNIQUE INDEX canned_responses_personal_shortcut_key ON canned_responses (owner_id, shortcut) WHERE NOT shared`);
    await q.query(`CREATE UNIQUE INDEX canned_responses_shared_shortcut_key ON canned_responses (shortcut) WHERE shared`);
    // The list (shortcut order, keyset by (shortcut, id)) and the shortcut prefix search.
    await q.query(`CREATE INDEX canned_responses_shortcut_idx ON canned_responses (shortcut, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE canned_responses`);
  }
}

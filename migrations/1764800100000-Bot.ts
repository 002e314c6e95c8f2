import { readFileSync } from 'node:fs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chat bot: its intents as data (`bot_intents`, seeded from the versioned
 * src/modules/bot/intents.seed.json, copied beside the build by scripts/copy-assets.mjs), what it
 * remembers of each chat (`bot_conversations`), and on tickets `bot_state`: `active` while the bot
 * holds a new live chat (automatic assignment leaves it alone), `handed_off` once it gave the chat
 * to people (it then goes to an agent who is online), null for every other ticket; and on queues
 * `bot_enabled`, whether the bot takes the new live chats of the queue (BOT_ENABLED switches it for all).
 */
export class Bot1764800100000 implements MigrationInterface {
  name = 'Bot1764800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queues ADD COLUMN bot_enabled boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE tickets ADD COLUMN bot_state varchar(12) CONSTRAINT tickets_bot_state_check CHECK (bot_state IN ('active', 'handed_off'))`);
    await q.query(`
      CREATE TABLE bot_intents (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key varchar(60) NOT NULL CONSTRAINT bot_intents_key_key UNIQUE,
        phrases jsonb NOT NULL,
        reply jsonb,
        slots jsonb NOT NULL DEFAULT '[]',
        action varchar(10) NOT NULL DEFAULT 'none',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bot_intents_action_check CHECK (action IN ('none', 'handoff')),
        CONSTRAINT bot_intents_key_check CHECK (key ~ '^[a-z0-9_]+$'),
        CONSTRAINT bot_intents_phrases_check CHECK (jsonb_typeof(phrases) = 'object'),
        CONSTRAINT bot_intents_slots_check CHECK (jsonb_typeof(slots) = 'array')
      )`);
    await q.query(`
      CREATE TABLE bot_conversations (
        ticket_id integer PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
        state jsonb NOT NULL,
        last_message_id integer NOT NULL DEFAULT 0,
        waiting_for_agent boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    const seed = JSON.parse(readFileSync(new URL('../src/modules/bot/intents.seed.json', import.meta.url), 'utf8')) as {
      intents: { key: string; phrases: object; reply: object | null; slots: object[]; action: string }[];
    };
    for (const intent of seed.intents) {
      await q.query(`INSERT INTO bot_intents (key, phrases, reply, slots, action) VALUES ($1, $2, $3, $4, $5)`, [
        intent.key,
        JSON.stringify(intent.phrases),
        intent.reply === null ? null : JSON.stringify(intent.reply),
        JSON.stringify(intent.slots),
        intent.action,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bot_conversations`);
    await q.query(`DROP TABLE bot_intents`);
    await q.query(`ALTER TABLE tickets DROP COLUMN bot_state`);
    await q.query(`ALTER TABLE queues DROP COLUMN bot_enabled`);
  }
}

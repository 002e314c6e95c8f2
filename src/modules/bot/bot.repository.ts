import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { conflictOnUnique } from '#src/common/database/pg-errors.js';
import type { Conversation, IntentAction, Localized, SlotSpec } from '#src/modules/bot/domain/dialogue.js';
import type { BotLanguage } from '#src/modules/bot/domain/text.js';

/** A `bot_intents` row. */
export interface IntentRow {
  id: number;
  key: string;
  phrases: Partial<Record<BotLanguage, string[]>>;
  reply: Localized | null;
  slots: SlotSpec[];
  action: IntentAction;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export type IntentValues = Pick<IntentRow, 'key' | 'phrases' | 'reply' | 'slots' | 'action' | 'enabled'>;

/** A chat's `bot_conversations` row, locked for the bot's turn. */
export interface ConversationRow {
  conversation: Conversation;
  /** The last customer message the bot answered (a message at or below it is not answered again). */
  lastMessageId: number;
  /** The row was made by this call (the chat had no conversation yet). */
  created: boolean;
}

const COLUMNS = 'id, key, phrases, reply, slots, action, enabled, created_at, updated_at';

/** An intent's values as the statements' parameters, in column order (key, phrases, reply, slots, action, enabled). */
const intentParams = (values: IntentValues) => [
  values.key,
  JSON.stringify(values.phrases),
  values.reply === null ? null : JSON.stringify(values.reply),
  JSON.stringify(values.slots),
  values.action,
  values.enabled,
];

const keyTaken = (error: unknown) => conflictOnUnique(error, 'An intent with this key exists', [{ field: 'key' }]);

/** The bot's tables: its intents (admins' data) and what it remembers per chat. */
@Injectable()
export class BotRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The intents the bot uses: read on every turn (a small table), so a change applies at once on every instance. */
  enabledIntents(): Promise<IntentRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM bot_intents WHERE enabled ORDER BY id`);
  }

  /** In id order, up to `limit + 1` after `afterId`. */
  listIntents(afterId: number | undefined, limit: number): Promise<IntentRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM bot_intents WHERE id > $1 ORDER BY id LIMIT $2`, [afterId ?? 0, limit + 1]);
  }

  async findIntent(id: number): Promise<IntentRow | null> {
    const rows: IntentRow[] = await this.db.query(`SELECT ${COLUMNS} FROM bot_intents WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insertIntent(values: IntentValues): Promise<IntentRow> {
    try {
      const rows: IntentRow[] = await this.db.query(
        `INSERT INTO bot_intents (key, phrases, reply, slots, action, enabled) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        intentParams(values),
      );
      return rows[0];
    } catch (error) {
      throw keyTaken(error);
    }
  }

  /** Writes every field of `values`; null when there is no such intent. */
  async updateIntent(id: number, values: IntentValues): Promise<IntentRow | null> {
    try {
      const [rows]: [IntentRow[], number] = await this.db.query(
        `UPDATE bot_intents SET key = $2, phrases = $3, reply = $4, slots = $5, action = $6, enabled = $7, updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, ...intentParams(values)],
      );
      return rows[0] ?? null;
    } catch (error) {
      throw keyTaken(error);
    }
  }

  async deleteIntent(id: number): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query('DELETE FROM bot_intents WHERE id = $1', [id]);
    return count > 0;
  }

  /** The chat's row, locked until `manager`'s transaction ends (made with `fresh` if it has none). */
  async lockConversation(manager: EntityManager, ticketId: number, fresh: Conversation): Promise<ConversationRow> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO bot_conversations (ticket_id, state) VALUES ($1, $2) ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id`,
      [ticketId, JSON.stringify(fresh)],
    );
    const [row]: { state: Conversation; last_message_id: number }[] = await manager.query(
      'SELECT state, last_message_id FROM bot_conversations WHERE ticket_id = $1 FOR UPDATE',
      [ticketId],
    );
    return { conversation: row.state, lastMessageId: row.last_message_id, created: inserted.length > 0 };
  }

  /** Stores the chat's conversation; `waitingForAgent` once it was handed over (until an agent takes it). */
  async saveConversation(manager: EntityManager, ticketId: number, conversation: Conversation, lastMessageId: number, waitingForAgent: boolean): Promise<void> {
    await manager.query(
      `UPDATE bot_conversations SET state = $2, last_message_id = GREATEST(last_message_id, $3), waiting_for_agent = $4, updated_at = now()
        WHERE ticket_id = $1`,
      [ticketId, JSON.stringify(conversation), lastMessageId, waitingForAgent],
    );
  }

  /**
   * The chat was waiting for an agent and now has one: true once per hand-over (whichever instance
   * announces the assignment says so first), with the language to tell the customer in.
   */
  async agentArrived(ticketId: number): Promise<BotLanguage | null> {
    const [rows]: [{ language: BotLanguage }[], number] = await this.db.query(
      `UPDATE bot_conversations SET waiting_for_agent = false, updated_at = now()
        WHERE ticket_id = $1 AND waiting_for_agent RETURNING state->>'language' AS language`,
      [ticketId],
    );
    return rows[0]?.language ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { preparedQuery } from '#src/common/database/prepared-query.js';
import { type AuthorType, MessageEntity } from '#src/modules/messages/message.entity.js';

/**
 * A message as the statements here return it: its columns (times as PostgreSQL's text), with
 * the author's name: the name a visitor gave for a message written in a visitor session (the
 * address it chats under is not proven, and its stored name may be someone else's), else the
 * author's current name (null for the bot, the system, or an author without an account).
 */
export interface MessageRecord {
  id: number;
  ticket_id: number;
  author_id: number | null;
  author_type: AuthorType;
  is_from_agent: boolean;
  content: string;
  client_msg_id: string | null;
  created_at: string;
  author_name: string | null;
}

export type NewMessage = Omit<MessageEntity, 'id' | 'visitorSessionId'> & { visitorSessionId?: number | null };

/** Every read of a message comes with its author's name from the same statement (no second round trip). */
export const MESSAGE_COLUMNS = `m.id, m.ticket_id, m.author_id, m.author_type, m.is_from_agent, m.content, m.client_msg_id, m.created_at,
  COALESCE(vs.name, u.name) AS author_name`;
export const AUTHOR_JOIN = 'LEFT JOIN users u ON u.id = m.author_id LEFT JOIN visitor_sessions vs ON vs.id = m.visitor_session_id';

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  private repo(manager?: EntityManager): Repository<MessageEntity> {
    return manager ? manager.getRepository(MessageEntity) : this.messages;
  }

  /** Inserts a message in `manager`'s transaction; a repeated (author, client_msg_id) raises a unique violation. */
  async insert(values: NewMessage, manager: EntityManager): Promise<MessageRecord> {
    const rows = await preparedQuery<MessageRecord>(
      this.db,
      'messages.insert',
      `WITH m AS (
         INSERT INTO messages (ticket_id, author_id, author_type, is_from_agent, content, client_msg_id, created_at, visitor_session_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING *
       )
       SELECT ${MESSAGE_COLUMNS} FROM m ${AUTHOR_JOIN}`,
      [values.ticketId, values.authorId, values.authorType, values.isFromAgent, values.content, values.clientMsgId, values.createdAt, values.visitorSessionId ?? null],
      manager,
    );
    return rows[0];
  }

  /**
   * The common case of a new message in one statement: stored only while its ticket is in one of
   * `statuses` (and, for an agent's message, already has its first response), so the message
   * changes nothing on the ticket; and not again for a repeated (author, client_msg_id).
   *
   * The ticket row is locked (FOR NO KEY UPDATE) before the message's id is drawn, so messages on
   * one ticket commit in id order and a reconnecting client that asks for ids after the last one
   * it saw never skips one. Null when nothing was stored (the caller tells why).
   */
  async insertIfTicketUnchanged(values: NewMessage, statuses: readonly string[]): Promise<MessageRecord | null> {
    const rows = await preparedQuery<MessageRecord>(
      this.db,
      'messages.insertIfTicketUnchanged',
      `WITH m AS (
         INSERT INTO messages (ticket_id, author_id, author_type, is_from_agent, content, client_msg_id, created_at, visitor_session_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $9::int
          WHERE EXISTS (SELECT 1 FROM tickets
                         WHERE id = $1 AND status = ANY($8::text[]) AND (NOT $4 OR first_response_at IS NOT NULL)
                           FOR NO KEY UPDATE)
         ON CONFLICT (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
         RETURNING *
       )
       SELECT ${MESSAGE_COLUMNS} FROM m ${AUTHOR_JOIN}`,
      [values.ticketId, values.authorId, values.authorType, values.isFromAgent, values.content, values.clientMsgId, values.createdAt, statuses, values.visitorSessionId ?? null],
    );
    return rows[0] ?? null;
  }

  findById(id: number): Promise<MessageEntity | null> {
    return this.messages.findOneBy({ id });
  }

  /** Reads and row-locks a message until the transaction ends (uploads to it wait). */
  lockById(id: number, manager: EntityManager): Promise<MessageEntity | null> {
    return this.repo(manager).createQueryBuilder('m').where('m.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async findByClientMsgId(authorId: number | null, clientMsgId: string): Promise<MessageRecord | null> {
    const rows = await preparedQuery<MessageRecord>(
      this.db,
      'messages.findByClientMsgId',
      `SELECT ${MESSAGE_COLUMNS} FROM messages m ${AUTHOR_JOIN} WHERE m.author_id IS NOT DISTINCT FROM $1 AND m.client_msg_id = $2`,
      [authorId, clientMsgId],
    );
    return rows[0] ?? null;
  }

  /** A ticket's thread in order, after `afterId`; up to `limit + 1` rows. Every list and join replay reads this. */
  listByTicket(ticketId: number, afterId: number | undefined, limit: number): Promise<MessageRecord[]> {
    return preparedQuery<MessageRecord>(
      this.db,
      'messages.listByTicket',
      `SELECT ${MESSAGE_COLUMNS} FROM messages m ${AUTHOR_JOIN} WHERE m.ticket_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3`,
      [ticketId, afterId ?? 0, limit + 1],
    );
  }

  async delete(id: number, manager?: EntityManager): Promise<void> {
    await this.repo(manager).delete({ id });
  }
}

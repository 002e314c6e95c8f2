import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, MoreThan, Repository } from 'typeorm';
import { preparedQuery } from '#src/common/database/prepared-query.js';
import { pgTimestampToIso } from '#src/common/database/timestamps.js';
import { MessageEntity } from '#src/modules/messages/message.entity.js';

/** A stored message as the prepared insert returns it (times as PostgreSQL's text). */
interface MessageRecord {
  id: number;
  ticket_id: number;
  author_id: number | null;
  author_type: MessageEntity['authorType'];
  is_from_agent: boolean;
  content: string;
  client_msg_id: string | null;
  created_at: string;
}

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  private repo(manager?: EntityManager): Repository<MessageEntity> {
    return manager ? manager.getRepository(MessageEntity) : this.messages;
  }

  /** Inserts a message; a repeated (author, client_msg_id) raises a unique violation. */
  insert(values: Omit<MessageEntity, 'id' | 'createdAt'> & { createdAt?: Date }, manager?: EntityManager): Promise<MessageEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(values));
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
  async insertIfTicketUnchanged(values: Omit<MessageEntity, 'id'>, statuses: readonly string[]): Promise<MessageEntity | null> {
    const rows = await preparedQuery<MessageRecord>(
      this.db,
      'messages.insertIfTicketUnchanged',
      `INSERT INTO messages (ticket_id, author_id, author_type, is_from_agent, content, client_msg_id, created_at)
       SELECT $1, $2, $3, $4, $5, $6, $7
        WHERE EXISTS (SELECT 1 FROM tickets
                       WHERE id = $1 AND status = ANY($8::text[]) AND (NOT $4 OR first_response_at IS NOT NULL)
                         FOR NO KEY UPDATE)
       ON CONFLICT (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
       RETURNING id, ticket_id, author_id, author_type, is_from_agent, content, client_msg_id, created_at`,
      [values.ticketId, values.authorId, values.authorType, values.isFromAgent, values.content, values.clientMsgId, values.createdAt, statuses],
    );
    const row = rows[0];
    if (!row) return null;
    return Object.assign(new MessageEntity(), {
      id: row.id,
      ticketId: row.ticket_id,
      authorId: row.author_id,
      authorType: row.author_type,
      isFromAgent: row.is_from_agent,
      content: row.content,
      clientMsgId: row.client_msg_id,
      createdAt: new Date(pgTimestampToIso(row.created_at)),
    });
  }

  findById(id: number): Promise<MessageEntity | null> {
    return this.messages.findOneBy({ id });
  }

  /** Reads and row-locks a message until the transaction ends (uploads to it wait). */
  lockById(id: number, manager: EntityManager): Promise<MessageEntity | null> {
    return this.repo(manager).createQueryBuilder('m').where('m.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  findByClientMsgId(authorId: number | null, clientMsgId: string): Promise<MessageEntity | null> {
    return this.messages
      .createQueryBuilder('m')
      .where('m.author_id IS NOT DISTINCT FROM :authorId', { authorId })
      .andWhere('m.client_msg_id = :clientMsgId', { clientMsgId })
      .getOne();
  }

  /** A ticket's thread in order, after `afterId`; up to `limit + 1` rows. */
  listByTicket(ticketId: number, afterId: number | undefined, limit: number): Promise<MessageEntity[]> {
    return this.messages.find({
      where: { ticketId, ...(afterId !== undefined && { id: MoreThan(afterId) }) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  async delete(id: number, manager?: EntityManager): Promise<void> {
    await this.repo(manager).delete({ id });
  }
}

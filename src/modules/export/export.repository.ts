import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '#src/common/database/prepared-query.js';
import { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';
import { AUTHOR_JOIN, MESSAGE_COLUMNS, type MessageRecord } from '#src/modules/messages/messages.repository.js';

/** What the customer export reads besides the tickets: one customer's rows only, each query bounded by `client_id`. */
@Injectable()
export class ExportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The customer-visible messages of the customer's tickets, oldest first (internal notes live elsewhere). */
  messagesOf(clientId: number): Promise<MessageRecord[]> {
    return preparedQuery<MessageRecord>(
      this.db,
      null,
      `SELECT ${MESSAGE_COLUMNS}
         FROM messages m
         JOIN tickets t ON t.id = m.ticket_id AND t.client_id = $1
         ${AUTHOR_JOIN}
        ORDER BY m.ticket_id, m.id`,
      [clientId],
    );
  }

  /**
   * Files on the customer's tickets and on their messages (not on internal notes). An upload still
   * waiting for its message is the uploader's alone: the customer's own are theirs, an agent's are
   * not part of the ticket yet.
   */
  attachmentsOf(clientId: number): Promise<AttachmentEntity[]> {
    return this.db
      .getRepository(AttachmentEntity)
      .createQueryBuilder('a')
      .where('a.ticket_id IN (SELECT t.id FROM tickets t WHERE t.client_id = :clientId) AND (NOT a.pending OR a.uploader_id = :clientId)', { clientId })
      .orWhere('a.message_id IN (SELECT m.id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.client_id = :clientId)', { clientId })
      .orderBy('a.id', 'ASC')
      .getMany();
  }
}

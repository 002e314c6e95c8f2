import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';

export type ParentKind = 'message' | 'note' | 'ticket';
export interface Parent {
  kind: ParentKind;
  id: number;
}

/** Where each kind of parent lives, and the columns that give its ticket and its author. */
const PARENT_TABLE: Record<ParentKind, { table: string; column: 'messageId' | 'noteId' | 'ticketId'; sqlColumn: string; ticket: string; author: string }> = {
  message: { table: 'messages', column: 'messageId', sqlColumn: 'message_id', ticket: 'ticket_id', author: 'author_id' },
  note: { table: 'notes', column: 'noteId', sqlColumn: 'note_id', ticket: 'ticket_id', author: 'author_id' },
  ticket: { table: 'tickets', column: 'ticketId', sqlColumn: 'ticket_id', ticket: 'id', author: 'client_id' },
};

/** The parent an attachment row belongs to (the CHECK constraint guarantees exactly one). */
export function parentOf(attachment: Pick<AttachmentEntity, 'messageId' | 'noteId' | 'ticketId'>): Parent {
  if (attachment.messageId !== null) return { kind: 'message', id: attachment.messageId };
  if (attachment.noteId !== null) return { kind: 'note', id: attachment.noteId };
  return { kind: 'ticket', id: attachment.ticketId! };
}

@Injectable()
export class AttachmentsRepository {
  constructor(@InjectRepository(AttachmentEntity) private readonly attachments: Repository<AttachmentEntity>) {}

  private repo(manager?: EntityManager): Repository<AttachmentEntity> {
    return manager ? manager.getRepository(AttachmentEntity) : this.attachments;
  }

  /** The parent's ticket and author (a ticket's: its client); null when the parent is gone. */
  async findParent(parent: Parent): Promise<{ ticketId: number; authorId: number | null } | null> {
    const { table, ticket, author } = PARENT_TABLE[parent.kind];
    const rows: { ticket_id: number; author_id: number | null }[] = await this.attachments.query(
      `SELECT ${ticket} AS ticket_id, ${author} AS author_id FROM ${table} WHERE id = $1`,
      [parent.id],
    );
    return rows[0] ? { ticketId: rows[0].ticket_id, authorId: rows[0].author_id } : null;
  }

  /**
   * Locks the parent row for the rest of the transaction (so its deletion and other uploads wait)
   * and counts its attachments; null when the parent is gone. With `pendingOf`, a ticket's uploads
   * by that user waiting for a message are counted instead (they are not the ticket's files).
   */
  async lockParentAndCount(parent: Parent, manager: EntityManager, pendingOf: number | null = null): Promise<number | null> {
    const { table, sqlColumn } = PARENT_TABLE[parent.kind];
    const locked: unknown[] = await manager.query(`SELECT id FROM ${table} WHERE id = $1 FOR UPDATE`, [parent.id]);
    if (locked.length === 0) return null;
    const [row] = (await manager.query(
      pendingOf === null
        ? `SELECT count(*)::int AS count FROM attachments WHERE ${sqlColumn} = $1 AND NOT pending`
        : `SELECT count(*)::int AS count FROM attachments WHERE ${sqlColumn} = $1 AND pending AND uploader_id = $2`,
      pendingOf === null ? [parent.id] : [parent.id, pendingOf],
    )) as { count: number }[];
    return row!.count;
  }

  /** The parent's files (not uploads waiting for a message). */
  async countByParent(parent: Parent): Promise<number> {
    return this.attachments.countBy({ [PARENT_TABLE[parent.kind].column]: parent.id, pending: false });
  }

  /** Files `uploaderId` uploaded to a ticket for a message that no message has claimed yet. */
  countPending(ticketId: number, uploaderId: number): Promise<number> {
    return this.attachments.countBy({ ticketId, uploaderId, pending: true });
  }

  /**
   * Moves files from a ticket onto a message of it, only those `uploaderId` uploaded to that
   * ticket (and on no message yet), whether ticket files or uploads waiting for a message; the ids
   * of those moved, and whether each was waiting.
   */
  async moveTicketFilesToMessage(
    ids: number[],
    ticketId: number,
    uploaderId: number,
    messageId: number,
    manager: EntityManager,
  ): Promise<{ id: number; wasPending: boolean }[]> {
    // `claimed` reads whether each row was waiting, under its lock: the cleanup of unclaimed
    // uploads skips locked rows, and one it took first is gone by the time the lock is granted.
    const rows = (await manager.query(
      `WITH claimed AS (
         SELECT id, pending FROM attachments
          WHERE id = ANY($2::int[]) AND ticket_id = $3 AND uploader_id = $4
          FOR UPDATE),
       moved AS (
         UPDATE attachments a SET message_id = $1, ticket_id = NULL, pending = false
           FROM claimed WHERE a.id = claimed.id
         RETURNING a.id, claimed.pending AS was_pending)
       SELECT id, was_pending FROM moved`,
      [messageId, ids, ticketId, uploaderId],
    )) as { id: number; was_pending: boolean }[];
    return rows.map((row) => ({ id: row.id, wasPending: row.was_pending }));
  }

  findByIds(ids: number[], manager: EntityManager): Promise<AttachmentEntity[]> {
    return this.repo(manager).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  insert(values: Omit<AttachmentEntity, 'id' | 'createdAt'>, manager: EntityManager): Promise<AttachmentEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create(values));
  }

  findById(id: number): Promise<AttachmentEntity | null> {
    return this.attachments.findOneBy({ id });
  }

  listByParent(parent: Parent, afterId: number | undefined, limit: number): Promise<AttachmentEntity[]> {
    return this.attachments.find({
      where: { [PARENT_TABLE[parent.kind].column]: parent.id, pending: false, ...(afterId !== undefined && { id: MoreThan(afterId) }) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  /** The files on the messages of a ticket (not on the ticket itself, nor on notes), by id, after `afterId`: `limit + 1` rows. */
  listOnTicketMessages(ticketId: number, afterId: number | undefined, limit: number): Promise<AttachmentEntity[]> {
    return this.attachments
      .createQueryBuilder('a')
      .innerJoin('messages', 'm', 'm.id = a.message_id')
      .where('m.ticket_id = :ticketId', { ticketId })
      .andWhere('a.id > :afterId', { afterId: afterId ?? 0 })
      .orderBy('a.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  /** Deletes a parent's attachment rows in the caller's transaction; returns their storage keys. */
  deleteByParent(parent: Parent, manager: EntityManager): Promise<string[]> {
    return this.deleteWhere(PARENT_TABLE[parent.kind].sqlColumn, parent.id, manager);
  }

  /** Deletes one attachment row; its storage key, or null when it was already gone. */
  async deleteById(id: number): Promise<string | null> {
    const [key] = await this.deleteWhere('id', id, this.attachments.manager);
    return key ?? null;
  }

  /** Deletes the rows whose `column` is `value`; returns their storage keys. */
  private async deleteWhere(column: string, value: number, manager: EntityManager): Promise<string[]> {
    // TypeORM answers a DELETE with [rows, affected].
    const [rows] = (await manager.query(`DELETE FROM attachments WHERE ${column} = $1 RETURNING storage_key`, [value])) as [{ storage_key: string }[], number];
    return rows.map((row) => row.storage_key);
  }

  /**
   * Deletes at most `limit` uploads made for a message that none claimed, uploaded before `before`;
   * their storage keys. Rows a claim holds are skipped (SKIP LOCKED), so a message being sent keeps
   * its file, and instances running this at once take different rows.
   */
  async deleteUnclaimed(before: Date, limit: number): Promise<string[]> {
    const [rows] = (await this.attachments.query(
      `DELETE FROM attachments WHERE pending AND id IN (
         SELECT id FROM attachments WHERE pending AND created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING storage_key`,
      [before, limit],
    )) as [{ storage_key: string }[], number];
    return rows.map((row) => row.storage_key);
  }

  /** Which of these keys have a row. */
  async existingKeys(keys: string[], manager: EntityManager): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { storage_key: string }[] = await manager.query(`SELECT storage_key FROM attachments WHERE storage_key = ANY($1)`, [keys]);
    return new Set(rows.map((row) => row.storage_key));
  }
}

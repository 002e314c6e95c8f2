import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NoteEntity } from '#src/modules/notes/note.entity.js';

/** A note as read for a response: its columns with the author's current name (null for the bot and the system). */
export interface NoteRecord {
  id: number;
  ticket_id: number;
  author_id: number | null;
  author_type: NoteEntity['authorType'];
  author_name: string | null;
  content: string;
  created_at: Date;
  updated_at: Date;
}

const NOTE_COLUMNS = `n.id, n.ticket_id, n.author_id, n.author_type, u.name AS author_name, n.content, n.created_at, n.updated_at`;
const AUTHOR_JOIN = 'LEFT JOIN users u ON u.id = n.author_id';

@Injectable()
export class NotesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts a note and reads it back with its author's name, in one statement (in `manager`'s transaction when given). */
  async insert(values: Pick<NoteEntity, 'ticketId' | 'authorId' | 'authorType' | 'content' | 'createdAt'>, manager?: EntityManager): Promise<NoteRecord> {
    const rows: NoteRecord[] = await (manager ?? this.db).query(
      `WITH n AS (
         INSERT INTO notes (ticket_id, author_id, author_type, content, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         RETURNING *
       )
       SELECT ${NOTE_COLUMNS} FROM n ${AUTHOR_JOIN}`,
      [values.ticketId, values.authorId, values.authorType, values.content, values.createdAt],
    );
    return rows[0];
  }

  /** Changes a note's text in `manager`'s transaction; null when the note is gone. */
  async updateContent(id: number, content: string, now: Date, manager: EntityManager): Promise<NoteRecord | null> {
    const rows: NoteRecord[] = await manager.query(
      `WITH n AS (UPDATE notes SET content = $2, updated_at = $3 WHERE id = $1 RETURNING *)
       SELECT ${NOTE_COLUMNS} FROM n ${AUTHOR_JOIN}`,
      [id, content, now],
    );
    return rows[0] ?? null;
  }

  /** Reads and row-locks a note until the transaction ends (uploads to it and edits wait). */
  lockById(id: number, manager: EntityManager): Promise<NoteEntity | null> {
    return manager.getRepository(NoteEntity).createQueryBuilder('n').where('n.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** A ticket's notes in order, after `afterId`; up to `limit + 1` rows. */
  listByTicket(ticketId: number, afterId: number | undefined, limit: number): Promise<NoteRecord[]> {
    return this.db.query(
      `SELECT ${NOTE_COLUMNS} FROM notes n ${AUTHOR_JOIN} WHERE n.ticket_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3`,
      [ticketId, afterId ?? 0, limit + 1],
    );
  }

  async delete(id: number, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).getRepository(NoteEntity).delete({ id });
  }
}

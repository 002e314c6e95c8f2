import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { conflictOnUnique } from '#src/common/database/pg-errors.js';
import { likeLiteral } from '#src/common/database/like.js';

/** A canned response as read for a response, with its owner's current name. */
export interface CannedResponseRecord {
  id: number;
  owner_id: number;
  owner_name: string;
  shortcut: string;
  title: string;
  content: string;
  shared: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CannedResponseFields {
  shortcut: string;
  title: string;
  content: string;
  shared: boolean;
}

const FIELD_COLUMNS: (keyof CannedResponseFields)[] = ['shortcut', 'title', 'content', 'shared'];
const COLUMNS = `c.id, c.owner_id, u.name AS owner_name, c.shortcut, c.title, c.content, c.shared, c.created_at, c.updated_at`;
const OWNER_JOIN = 'JOIN users u ON u.id = c.owner_id';
/** What a viewer sees: the shared ones and its own. */
const VISIBLE = '(c.shared OR c.owner_id = $1)';

/** A shortcut taken twice (among the owner's personal ones, or among the shared ones) is a 409. */
function shortcutTaken(error: unknown): never {
  throw conflictOnUnique(error, 'A canned response with this shortcut already exists', [
    { field: 'shortcut', problems: ['shortcut is already used by one of your personal canned responses or by a shared one'] },
  ]);
}

@Injectable()
export class CannedResponsesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(ownerId: number, fields: CannedResponseFields, now: Date): Promise<CannedResponseRecord> {
    try {
      const rows: CannedResponseRecord[] = await this.db.query(
        `WITH c AS (
           INSERT INTO canned_responses (owner_id, shortcut, title, content, shared, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *
         )
         SELECT ${COLUMNS} FROM c ${OWNER_JOIN}`,
        [ownerId, fields.shortcut, fields.title, fields.content, fields.shared, now],
      );
      return rows[0];
    } catch (error) {
      shortcutTaken(error);
    }
  }

  /** The canned response if `viewerId` may see it (shared, or its own), else null. */
  async findVisible(id: number, viewerId: number): Promise<CannedResponseRecord | null> {
    const rows: CannedResponseRecord[] = await this.db.query(`SELECT ${COLUMNS} FROM canned_responses c ${OWNER_JOIN} WHERE ${VISIBLE} AND c.id = $2`, [
      viewerId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /**
   * What `viewerId` sees, in shortcut order, keyset by (shortcut, id); up to `limit + 1` rows.
   * `search`: a prefix of the shortcut, or of the title or one of its words (any case).
   */
  list(
    viewerId: number,
    filter: { search?: { shortcutPrefix: string; titleText: string }; after?: { shortcut: string; id: number }; limit: number },
  ): Promise<CannedResponseRecord[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM canned_responses c ${OWNER_JOIN}
        WHERE ${VISIBLE}
          AND ($2::text IS NULL OR c.shortcut LIKE $2 || '%' OR c.title ILIKE $3 || '%' OR c.title ILIKE '% ' || $3 || '%')
          AND ($4::text IS NULL OR (c.shortcut, c.id) > ($4::text COLLATE "C", $5::int))
        ORDER BY c.shortcut, c.id
        LIMIT $6`,
      [
        viewerId,
        filter.search ? likeLiteral(filter.search.shortcutPrefix) : null,
        filter.search ? likeLiteral(filter.search.titleText) : null,
        filter.after?.shortcut ?? null,
        filter.after?.id ?? 0,
        filter.limit + 1,
      ],
    );
  }

  /** Applies the changes; null when the row is gone. */
  async update(id: number, changes: Partial<CannedResponseFields>, now: Date): Promise<CannedResponseRecord | null> {
    const columns = FIELD_COLUMNS.filter((column) => changes[column] !== undefined);
    const sets = columns.map((column, i) => `${column} = $${i + 3}`);
    try {
      const rows: CannedResponseRecord[] = await this.db.query(
        `WITH c AS (UPDATE canned_responses SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *)
         SELECT ${COLUMNS} FROM c ${OWNER_JOIN}`,
        [id, now, ...columns.map((column) => changes[column])],
      );
      return rows[0] ?? null;
    } catch (error) {
      shortcutTaken(error);
    }
  }

  async delete(id: number): Promise<boolean> {
    const [, affected] = (await this.db.query(`DELETE FROM canned_responses WHERE id = $1`, [id])) as [unknown, number];
    return affected > 0;
  }
}

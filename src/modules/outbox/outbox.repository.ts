import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface ClaimedRow {
  id: string;
  topic: string;
  payload: unknown;
  /** Counting the attempt this claim starts. */
  attempts: number;
}

/** The `outbox` rows: written in the caller's transaction, claimed under a lease, settled one by one. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds a row in `manager`'s transaction; returns its id. */
  async insert(manager: EntityManager, topic: string, payload: unknown, notBefore: Date | null): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO outbox (topic, payload, next_attempt_at) VALUES ($1, $2::jsonb, coalesce($3, now())) RETURNING id`,
      [topic, JSON.stringify(payload), notBefore],
    )) as { id: string }[];
    return row.id;
  }

  /**
   * Claims up to `limit` due rows of `topics`, oldest due first, in one short statement: rows another
   * instance is claiming are skipped (SKIP LOCKED), rows another instance holds under a lease
   * (`locked_until` in the future) are not due. Each claim counts as an attempt and leases the row
   * until `leaseUntil`; a crash mid-send leaves the row to be claimed again when the lease ends.
   */
  async claim(topics: string[], now: Date, leaseUntil: Date, limit: number): Promise<ClaimedRow[]> {
    const [rows] = (await this.db.query(
      `UPDATE outbox o SET attempts = o.attempts + 1, locked_until = $3
        WHERE o.id IN (SELECT id FROM outbox
                        WHERE status = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until <= $2)
                          AND topic = ANY($1::text[])
                        ORDER BY next_attempt_at, id
                        LIMIT $4
                          FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.topic, o.payload, o.attempts`,
      [topics, now, leaseUntil, limit],
    )) as [ClaimedRow[], number];
    return rows;
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.db.query(`UPDATE outbox SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1`, [id, now]);
  }

  /** A failed attempt: tried again at `retryAt`, or `dead` when null. The error is kept either way. */
  async markFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET locked_until = NULL, last_error = $2,
              status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
              next_attempt_at = coalesce($3, next_attempt_at)
        WHERE id = $1`,
      [id, error.slice(0, 2000), retryAt],
    );
  }

  /** Deletes up to `limit` rows sent before `before`; returns how many. */
  async deleteSentBefore(before: Date, limit: number): Promise<number> {
    const [, count] = (await this.db.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 LIMIT $2)`,
      [before, limit],
    )) as [unknown, number];
    return count;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface ClaimedRow {
  id: string;
  topic: string;
  payload: unknown;
  /** Counting the attempt this claim starts. */
  attempts: number;
  /** Rows sharing a key go out one after the other, in id order (null: no order). */
  ordering_key: string | null;
}

/** The `outbox` rows: written in the caller's transaction, claimed under a lease, settled one by one. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds a row in `manager`'s transaction; returns its id. */
  async insert(manager: EntityManager, topic: string, payload: unknown, notBefore: Date | null, orderingKey: string | null = null): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO outbox (topic, payload, next_attempt_at, ordering_key) VALUES ($1, $2::jsonb, coalesce($3, now()), $4) RETURNING id`,
      [topic, JSON.stringify(payload), notBefore, orderingKey],
    )) as { id: string }[];
    return row.id;
  }

  /**
   * Claims up to `limit` due rows of `topics`, oldest due first, in one short statement: rows another
   * instance is claiming are skipped (SKIP LOCKED), rows another instance holds under a lease
   * (`locked_until` in the future) are not due. Each claim counts as an attempt and leases the row
   * until `leaseUntil`; a crash mid-send leaves the row to be claimed again when the lease ends.
   * A row with an ordering key waits while an older row of its key is still pending (in flight,
   * or waiting for its retry): one key's rows go out in order, and other keys' rows are not held up.
   */
  async claim(topics: string[], now: Date, leaseUntil: Date, limit: number): Promise<ClaimedRow[]> {
    const [rows] = (await this.db.query(
      `UPDATE outbox o SET attempts = o.attempts + 1, locked_until = $3
        WHERE o.id IN (SELECT id FROM outbox
                        WHERE status = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until <= $2)
                          AND topic = ANY($1::text[])
                          AND (ordering_key IS NULL OR NOT EXISTS (
                                SELECT 1 FROM outbox earlier
                                 WHERE earlier.ordering_key = outbox.ordering_key AND earlier.status = 'pending' AND earlier.id < outbox.id))
                        ORDER BY next_attempt_at, id
                        LIMIT $4
                          FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.topic, o.payload, o.attempts, o.ordering_key`,
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

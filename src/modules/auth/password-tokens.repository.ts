import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export type PasswordTokenPurpose = 'reset' | 'claim';

/** One-time password links, kept as SHA-256 hashes (the link itself exists only in the mail). */
@Injectable()
export class PasswordTokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a new link; links expired by `now` (used or not) go, as they can never work again. */
  async insert(manager: EntityManager, token: { userId: number; hash: string; purpose: PasswordTokenPurpose; expiresAt: Date }, now: Date): Promise<void> {
    await manager.query(`INSERT INTO password_tokens (user_id, token_hash, purpose, expires_at) VALUES ($1, $2, $3, $4)`, [
      token.userId,
      token.hash,
      token.purpose,
      token.expiresAt,
    ]);
    await manager.query(`DELETE FROM password_tokens WHERE expires_at <= $1`, [now]);
  }

  /** Whether a link with this hash is unused and unexpired at `now` (a cheap look before hashing a password). */
  async isUsable(hash: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM password_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, [hash, now]);
    return rows.length > 0;
  }

  /**
   * Uses the link in one statement (so it works once however many requests race), and with it every
   * other unused link of the same user. The user's id, or null when the link is unknown, used or expired.
   */
  async consume(manager: EntityManager, hash: string, now: Date): Promise<number | null> {
    const rows = (await manager.query(
      `WITH used AS (
         UPDATE password_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id
       ), others AS (
         UPDATE password_tokens p SET used_at = $2 FROM used WHERE p.user_id = used.user_id AND p.used_at IS NULL AND p.token_hash <> $1
       )
       SELECT user_id FROM used`,
      [hash, now],
    )) as { user_id: number }[];
    return rows[0]?.user_id ?? null;
  }
}

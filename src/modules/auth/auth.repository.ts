import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserRole } from '#src/common/auth/roles.js';
import type { VisitKeys } from '#src/modules/auth/domain/visit-key-rotation.js';

export interface SessionRow {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  isActive: boolean;
  tokenVersion: number;
  revoked: boolean;
  /** This token survived the user's own password change (valid although its version is older). */
  kept: boolean;
  /** The visitor session the token names (its `vis` claim), when that session is the user's; else null. */
  visitorSessionId: number | null;
}

/** A visitor session's keys (hashes only), as a renewal reads them. */
export interface VisitKeysRow extends VisitKeys {
  userId: number;
  createdAt: Date;
}

export interface LoginAttempt {
  /** Attempts in the key's current window, this one included. */
  attempts: number;
  /** Seconds until the window ends. */
  retryAfterSeconds: number;
}

/** Token revocation and login throttling: the queries behind every authenticated request. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The token's user, whether this token was revoked and, for a visitor's token (`visitorSessionId`),
   * whether its visitor session is the user's, in one round trip.
   */
  async findSession(userId: number, jti: string, visitorSessionId: number | null = null): Promise<SessionRow | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT u.id, u.email, u.name, u.role, u.is_active, u.token_version,
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked,
              coalesce(u.kept_token_jti = $2, false) AS kept,
              (SELECT v.id FROM visitor_sessions v WHERE v.id = $3::int AND v.user_id = u.id AND v.ended_at IS NULL) AS visitor_session_id
         FROM users u WHERE u.id = $1`,
      [userId, jti, visitorSessionId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as number,
      email: row.email as string,
      name: row.name as string,
      role: row.role as UserRole,
      isActive: row.is_active as boolean,
      tokenVersion: row.token_version as number,
      revoked: row.revoked as boolean,
      kept: row.kept as boolean,
      visitorSessionId: (row.visitor_session_id as number | null) ?? null,
    };
  }

  /**
   * A new visitor session of the user (a chat without an account), named as the visitor gave, with
   * the hash of its first visit key, which names the session (hence made from its id, in the same transaction).
   */
  async insertVisitorSession(userId: number, name: string, keyHashFor: (visitorSessionId: number) => Buffer): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [row]: { id: number }[] = await manager.query(`INSERT INTO visitor_sessions (user_id, name) VALUES ($1, $2) RETURNING id`, [userId, name]);
      await manager.query(`UPDATE visitor_sessions SET key_hash = $2 WHERE id = $1`, [row.id, keyHashFor(row.id)]);
      return row.id;
    });
  }

  /**
   * A visitor session's keys, its user and start, locked until the transaction ends (so two
   * renewals of one visit are decided one after the other), or null if there is no such session.
   */
  async lockVisitKeys(manager: EntityManager, visitorSessionId: number): Promise<VisitKeysRow | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT user_id, created_at, key_hash, previous_key_hash, key_rotated_at, ended_at FROM visitor_sessions WHERE id = $1 FOR UPDATE`,
      [visitorSessionId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      userId: row.user_id as number,
      createdAt: row.created_at as Date,
      currentHash: (row.key_hash as Buffer | null) ?? null,
      previousHash: (row.previous_key_hash as Buffer | null) ?? null,
      rotatedAt: (row.key_rotated_at as Date | null) ?? null,
      ended: row.ended_at !== null,
    };
  }

  /** Replaces a visit's current key by `nextHash`, keeping the replaced one (and when) to tell a retry from reuse. */
  async rotateVisitKey(manager: EntityManager, visitorSessionId: number, nextHash: Buffer, now: Date): Promise<void> {
    await manager.query(`UPDATE visitor_sessions SET previous_key_hash = key_hash, key_hash = $2, key_rotated_at = $3 WHERE id = $1`, [
      visitorSessionId,
      nextHash,
      now,
    ]);
  }

  /** Ends a visitor session: its tokens and its keys stop working. */
  async endVisitorSession(visitorSessionId: number, now: Date, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `UPDATE visitor_sessions SET ended_at = $2, key_hash = NULL, previous_key_hash = NULL, key_rotated_at = NULL WHERE id = $1 AND ended_at IS NULL`,
      [visitorSessionId, now],
    );
  }

  /** The name a visitor gave its session (null if the session is gone). */
  async visitorName(visitorSessionId: number): Promise<string | null> {
    const [row]: { name: string }[] = await this.db.query(`SELECT name FROM visitor_sessions WHERE id = $1`, [visitorSessionId]);
    return row?.name ?? null;
  }

  async revoke(jti: string, userId: number, expiresAt: Date, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING`,
      [jti, userId, expiresAt],
    );
    // Expired tokens fail verification anyway; their revocation rows are dead weight.
    await this.db.query(`DELETE FROM revoked_tokens WHERE expires_at < $1`, [now]);
  }

  /**
   * Counts one login attempt for the key in a single statement, so parallel requests cannot slip
   * past the check: the row's lock orders them and each sees the count its own increment made.
   * A window that is over starts again at 1. The count stops at `maxAttempts + 1` (refused
   * attempts do not extend the window). The same statement deletes up to `purgeLimit` rows of
   * other keys whose window is over, so the table holds only live windows.
   */
  async countAttempt(key: string, now: Date, maxAttempts: number, windowSeconds: number, purgeLimit = 50): Promise<LoginAttempt> {
    const rows: { attempts: number; retry_after: number }[] = await this.db.query(
      `WITH expired AS (
         DELETE FROM login_throttle
          WHERE key IN (SELECT key FROM login_throttle
                         WHERE window_started_at <= $2::timestamptz - make_interval(secs => $3) AND key <> $1
                         ORDER BY window_started_at
                         LIMIT $5
                         FOR UPDATE SKIP LOCKED)
       )
       INSERT INTO login_throttle AS t (key, failures, window_started_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at <= $2::timestamptz - make_interval(secs => $3) THEN 1
                         ELSE least(t.failures + 1, $4::int + 1) END,
         window_started_at = CASE WHEN t.window_started_at <= $2::timestamptz - make_interval(secs => $3) THEN $2
                                  ELSE t.window_started_at END
       RETURNING failures AS attempts,
                 ceil(extract(epoch FROM window_started_at + make_interval(secs => $3) - $2::timestamptz))::int AS retry_after`,
      [key, now, windowSeconds, maxAttempts, purgeLimit],
    );
    const [row] = rows;
    return { attempts: row.attempts, retryAfterSeconds: Math.max(1, row.retry_after) };
  }

  /** Forgets the key's attempts (after a successful login). */
  async clearAttempts(key: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
  }
}

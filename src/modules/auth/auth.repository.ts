import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { UserRole } from '#src/modules/users/user.entity.js';

export interface SessionRow {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  isActive: boolean;
  tokenVersion: number;
  revoked: boolean;
}

/** Token revocation and login throttling: the queries behind every authenticated request. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The token's user and whether this token was revoked, in one round trip. */
  async findSession(userId: number, jti: string): Promise<SessionRow | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT u.id, u.email, u.name, u.role, u.is_active, u.token_version,
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked
         FROM users u WHERE u.id = $1`,
      [userId, jti],
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
    };
  }

  async revoke(jti: string, userId: number, expiresAt: Date, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING`,
      [jti, userId, expiresAt],
    );
    // Expired tokens fail verification anyway; their revocation rows are dead weight.
    await this.db.query(`DELETE FROM revoked_tokens WHERE expires_at < $1`, [now]);
  }

  /** Seconds until the key may try again, or 0 while it has attempts left in its window. */
  async lockedForSeconds(key: string, now: Date, maxFailures: number, windowSeconds: number): Promise<number> {
    const rows: { retry_after: number }[] = await this.db.query(
      `SELECT ceil(extract(epoch FROM window_started_at + make_interval(secs => $3) - $2::timestamptz))::int AS retry_after
         FROM login_throttle
        WHERE key = $1 AND failures >= $4 AND window_started_at > $2::timestamptz - make_interval(secs => $3)`,
      [key, now, windowSeconds, maxFailures],
    );
    return rows[0] ? Math.max(1, rows[0].retry_after) : 0;
  }

  /** Counts a failure in the key's current window, starting a new window when the old one is over. */
  async recordFailure(key: string, now: Date, windowSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO login_throttle AS t (key, failures, window_started_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE t.window_started_at END`,
      [key, now, windowSeconds],
    );
  }

  async clearFailures(key: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
  }
}

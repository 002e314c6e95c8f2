import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
// Automatic assignment reads presence with the same rule (TicketsRepository.agentLoads); it stays
// defined there because tickets must not import chat (chat builds on tickets).
import { onlineSql, PRESENCE_STALE_SECONDS } from '#src/modules/tickets/tickets.repository.js';

/** Whose connections a row counts: an account's (a user id) or a visitor token's (a visitor session id). */
export type PresenceHolder = 'user' | 'visitor';

/** Each holder's rows; fixed names, never input. */
const TABLES: Record<PresenceHolder, { table: string; key: string }> = {
  user: { table: 'agent_presence', key: 'user_id' },
  visitor: { table: 'visitor_presence', key: 'visitor_session_id' },
};

/**
 * The `agent_presence` rows (named for their first reader, automatic assignment, which prefers
 * online agents and takes admins only while online): per instance and user, how many chat
 * connections (Socket.IO and plain WebSocket) it holds and when that was last confirmed;
 * `visitor_presence` the same per visitor session, for visitor tokens. Rows not confirmed for
 * PRESENCE_STALE_SECONDS belong to an instance that died, and count for nothing.
 */
@Injectable()
export class PresenceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records that this instance holds `connections` connections of the user (or visitor session), as of now. */
  async recordConnections(holder: PresenceHolder, instanceId: string, id: number, connections: number): Promise<void> {
    const { table, key } = TABLES[holder];
    await this.db.query(
      `INSERT INTO ${table} (instance_id, ${key}, connections, seen_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (${key}, instance_id) DO UPDATE SET connections = EXCLUDED.connections, seen_at = now()`,
      [instanceId, id, connections],
    );
  }

  /** The user's (or visitor session's) connections held by other instances that still confirm theirs. */
  async countElsewhere(holder: PresenceHolder, instanceId: string, id: number): Promise<number> {
    const { table, key } = TABLES[holder];
    const [row]: { n: number }[] = await this.db.query(
      `SELECT coalesce(sum(connections), 0)::int AS n FROM ${table}
        WHERE ${key} = $1 AND instance_id <> $2 AND seen_at > now() - make_interval(secs => $3)`,
      [id, instanceId, PRESENCE_STALE_SECONDS],
    );
    return row.n;
  }

  /**
   * Active agents and admins with a connection confirmed on some instance, by id, after `afterId`;
   * `limit` rows at most.
   */
  async onlineAgents(afterId: number, limit: number): Promise<{ id: number; name: string; role: 'agent' | 'admin' }[]> {
    return this.db.query(
      `SELECT u.id, u.name, u.role FROM users u
        WHERE u.role IN ('agent', 'admin') AND u.is_active AND u.id > $1 AND ${onlineSql('u')}
        ORDER BY u.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** This instance holds no connection of the user (or visitor session) any more. */
  async forget(holder: PresenceHolder, instanceId: string, id: number): Promise<void> {
    const { table, key } = TABLES[holder];
    await this.db.query(`DELETE FROM ${table} WHERE ${key} = $1 AND instance_id = $2`, [id, instanceId]);
  }

  /** This instance is going away: none of its rows hold. */
  async forgetInstance(instanceId: string): Promise<void> {
    for (const { table } of Object.values(TABLES)) await this.db.query(`DELETE FROM ${table} WHERE instance_id = $1`, [instanceId]);
  }

  /**
   * Makes this instance's rows of the holder exactly `held` (id → connections), all confirmed as
   * of now, in one statement: missing rows come back, rows of those it no longer holds go. Users
   * (visitor sessions) deleted meanwhile are skipped. Returns the agents and admins whose rows
   * had to come back (none for visitor sessions).
   */
  async replaceInstance(holder: PresenceHolder, instanceId: string, held: ReadonlyMap<number, number>): Promise<{ id: number; name: string }[]> {
    const { table, key } = TABLES[holder];
    const owners = holder === 'user' ? 'users' : 'visitor_sessions';
    // An upsert's row has xmax 0 when it was inserted, not updated.
    return this.db.query(
      `WITH held AS (SELECT * FROM unnest($2::int[], $3::int[]) AS h(id, connections)),
            gone AS (DELETE FROM ${table} p WHERE p.instance_id = $1 AND p.${key} NOT IN (SELECT id FROM held)),
            written AS (
              INSERT INTO ${table} (instance_id, ${key}, connections, seen_at)
              SELECT $1, h.id, h.connections, now() FROM held h WHERE EXISTS (SELECT 1 FROM ${owners} o WHERE o.id = h.id)
              ON CONFLICT (${key}, instance_id) DO UPDATE SET connections = EXCLUDED.connections, seen_at = now()
              RETURNING ${key} AS id, xmax = 0 AS restored)
       SELECT u.id, u.name FROM written w JOIN users u ON u.id = w.id
        WHERE $4 AND w.restored AND u.role IN ('agent', 'admin') AND u.is_active
        ORDER BY u.id`,
      [instanceId, [...held.keys()], [...held.values()], holder === 'user'],
    );
  }

  /**
   * Removes the rows of instances that stopped confirming theirs (any instance may do it; a row is
   * removed once). The agents and admins among their users who hold no confirmed row anywhere else:
   * they went offline with the instance.
   */
  async removeStale(): Promise<{ id: number; name: string }[]> {
    await this.db.query('DELETE FROM visitor_presence WHERE seen_at < now() - make_interval(secs => $1)', [PRESENCE_STALE_SECONDS]);
    // The outer query sees the table as before the delete: the removed rows are stale, so the
    // confirmed ones it looks for are those that stay.
    return this.db.query(
      `WITH gone AS (DELETE FROM agent_presence WHERE seen_at < now() - make_interval(secs => $1) RETURNING user_id)
       SELECT u.id, u.name FROM users u
        WHERE u.id IN (SELECT user_id FROM gone) AND u.role IN ('agent', 'admin') AND NOT ${onlineSql('u')}
        ORDER BY u.id`,
      [PRESENCE_STALE_SECONDS],
    );
  }
}

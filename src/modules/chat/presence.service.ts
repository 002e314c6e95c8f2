import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PRESENCE_STALE_SECONDS } from '#src/modules/tickets/tickets.repository.js';

const HEARTBEAT_MS = 20_000;

/**
 * Which agents are online: each instance keeps a row per connected agent with its connection
 * count and refreshes it; rows of an instance that stopped refreshing count as gone. Automatic
 * assignment reads it to prefer online agents.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId = randomUUID();
  private readonly connections = new Map<number, number>();
  /** Writes run one after another, so a connect and a disconnect never land out of order. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await this.db.query('DELETE FROM agent_presence WHERE instance_id = $1', [this.instanceId]).catch(() => undefined);
  }

  connected(userId: number): Promise<void> {
    this.connections.set(userId, (this.connections.get(userId) ?? 0) + 1);
    return this.write(userId);
  }

  disconnected(userId: number): Promise<void> {
    const left = (this.connections.get(userId) ?? 1) - 1;
    if (left > 0) this.connections.set(userId, left);
    else this.connections.delete(userId);
    return this.write(userId);
  }

  /** Agents with at least one connection on any live instance, with their connection counts. */
  async online(): Promise<Map<number, number>> {
    const rows: { user_id: number; connections: number }[] = await this.db.query(
      `SELECT user_id, sum(connections)::int AS connections FROM agent_presence
        WHERE seen_at > now() - make_interval(secs => $1) GROUP BY user_id`,
      [PRESENCE_STALE_SECONDS],
    );
    return new Map(rows.map((r) => [r.user_id, r.connections]));
  }

  private write(userId: number): Promise<void> {
    return this.enqueue(async () => {
      const count = this.connections.get(userId) ?? 0;
      if (count === 0) {
        await this.db.query('DELETE FROM agent_presence WHERE user_id = $1 AND instance_id = $2', [userId, this.instanceId]);
      } else {
        await this.db.query(
          `INSERT INTO agent_presence (instance_id, user_id, connections, seen_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (user_id, instance_id) DO UPDATE SET connections = EXCLUDED.connections, seen_at = now()`,
          [this.instanceId, userId, count],
        );
      }
    }, 'Could not record presence');
  }

  /**
   * Writes everything this instance holds, not only what is still there: after a stall another
   * instance may have deleted our rows as stale, and a connect or disconnect whose write failed
   * left a row wrong. Each heartbeat puts all of them right. Then removes other instances' stale rows.
   */
  heartbeat(): Promise<void> {
    return this.enqueue(async () => {
      const held = [...this.connections];
      await this.db.query(
        `WITH held AS (SELECT * FROM unnest($2::int[], $3::int[]) AS h(user_id, connections)),
              gone AS (DELETE FROM agent_presence p WHERE p.instance_id = $1 AND p.user_id NOT IN (SELECT user_id FROM held))
         INSERT INTO agent_presence (instance_id, user_id, connections, seen_at)
         SELECT $1, h.user_id, h.connections, now() FROM held h WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = h.user_id)
         ON CONFLICT (user_id, instance_id) DO UPDATE SET connections = EXCLUDED.connections, seen_at = now()`,
        [this.instanceId, held.map(([userId]) => userId), held.map(([, count]) => count)],
      );
      await this.db.query(`DELETE FROM agent_presence WHERE seen_at < now() - make_interval(secs => $1)`, [PRESENCE_STALE_SECONDS]);
    }, 'Presence heartbeat failed');
  }

  /** Writes run one after another, each reading the counts when it runs; a failure is logged. */
  private enqueue(run: () => Promise<void>, failure: string): Promise<void> {
    const next = this.queue.then(run).catch((error: unknown) => this.logger.warn({ err: error }, failure));
    this.queue = next;
    return next;
  }
}

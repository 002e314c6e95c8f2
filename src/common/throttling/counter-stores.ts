import { createClient } from 'redis';
import type { DataSource } from 'typeorm';

export interface CounterHit {
  key: string;
  hits: number;
  /** Length of a window opened by this hit (when the key has none, or its window is over). */
  ttlMs: number;
}

export interface CounterState {
  key: string;
  /** Hits in the key's current window, all instances together. */
  hits: number;
  msLeft: number;
}

/** Where every instance adds its hits: one round trip for a whole batch of keys. */
export interface CounterStore {
  add(hits: CounterHit[]): Promise<CounterState[]>;
  /** Forgets windows that are over (Redis expires its keys itself). */
  purge(): Promise<void>;
  close(): Promise<void>;
}

/** One atomic upsert for the batch; a window that is over starts again from this batch's hits. */
const ADD_SQL = `
  INSERT INTO rate_limit_counters AS c (key, hits, expires_at)
  SELECT key, hits, now() + ttl_ms * interval '1 millisecond'
    FROM unnest($1::text[], $2::int[], $3::int[]) AS u(key, hits, ttl_ms)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.expires_at > now() THEN c.hits + excluded.hits ELSE excluded.hits END,
    expires_at = CASE WHEN c.expires_at > now() THEN c.expires_at ELSE excluded.expires_at END
  RETURNING c.key, c.hits, greatest(0, ceil(extract(epoch FROM c.expires_at - now()) * 1000))::int AS ms_left`;

export class PostgresCounterStore implements CounterStore {
  constructor(private readonly db: DataSource) {}

  async add(hits: CounterHit[]): Promise<CounterState[]> {
    const rows: { key: string; hits: number; ms_left: number }[] = await this.db.query(ADD_SQL, [
      hits.map((hit) => hit.key),
      hits.map((hit) => hit.hits),
      hits.map((hit) => Math.max(1, Math.round(hit.ttlMs))),
    ]);
    return rows.map((row) => ({ key: row.key, hits: row.hits, msLeft: row.ms_left }));
  }

  async purge(): Promise<void> {
    await this.db.query(`DELETE FROM rate_limit_counters WHERE expires_at < now()`);
  }

  async close(): Promise<void> {}
}

/** INCRBY, and PEXPIRE on a key without one (a new window), in one atomic script. */
const ADD_SCRIPT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return {hits, left}`;

/**
 * Keys are `ratelimit:<database>:<key>`: user ids are per database, so deployments (or test
 * databases) sharing one Redis keep their counters apart.
 */
export class RedisCounterStore implements CounterStore {
  private readonly client: ReturnType<typeof createClient>;
  private readonly connected: Promise<unknown>;
  private readonly prefix: string;

  constructor(url: string, database: string, onError: (error: unknown) => void) {
    this.prefix = `ratelimit:${database}:`;
    this.client = createClient({ url });
    this.client.on('error', onError);
    this.connected = this.client.connect();
  }

  async add(hits: CounterHit[]): Promise<CounterState[]> {
    await this.connected;
    // Issued in one tick, node-redis sends them as one pipeline.
    const replies = await Promise.all(
      hits.map((hit) =>
        this.client.eval(ADD_SCRIPT, { keys: [this.prefix + hit.key], arguments: [String(hit.hits), String(Math.max(1, Math.round(hit.ttlMs)))] }),
      ),
    );
    return replies.map((reply, i) => {
      const [count, left] = reply as [number, number];
      return { key: hits[i].key, hits: Number(count), msLeft: Number(left) };
    });
  }

  async purge(): Promise<void> {}

  async close(): Promise<void> {
    await this.connected.catch(() => undefined);
    if (this.client.isOpen) await this.client.close();
  }
}

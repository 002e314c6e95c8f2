import { type INestApplicationContext, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import { type BroadcastOptions, type ClusterMessage, MessageType } from 'socket.io-adapter';
import { withinMs } from '#src/common/util/within.js';
import { AppConfig } from '#src/config/app-config.js';
import { broadcastStaysLocal } from '#src/modules/chat/domain/broadcast-scope.js';

/** Socket.IO refuses (and disconnects) packets above this; the handlers answer above 64 KB. */
export const TRANSPORT_MAX_BYTES = 1024 * 1024;

type AdapterConstructor = ReturnType<typeof createPostgresAdapter>;

/**
 * The Socket.IO adapter that makes several instances behave as one: Redis when REDIS_URL is set,
 * otherwise PostgreSQL (LISTEN/NOTIFY), so no extra service is needed. Owns its connections, and
 * knows the namespaces it serves so a shutdown can close their clients first.
 */
@Injectable()
export class RealtimeAdapterFactory implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeAdapterFactory.name);
  private closers: (() => Promise<unknown>)[] = [];
  /** Run once Socket.IO has closed every adapter this factory made. */
  private onAdaptersClosed: (() => void) | null = null;
  private readonly namespaces = new Set<Namespace>();

  constructor(private readonly config: AppConfig) {}

  async create(): Promise<AdapterConstructor> {
    return this.tracking(await this.createAdapter());
  }

  /**
   * Disconnects this instance's clients (only its own: not through the adapter, which would reach
   * every instance), so their disconnect handlers run while the database is still there.
   */
  disconnectClients(): void {
    for (const namespace of this.namespaces) for (const socket of [...namespace.sockets.values()]) socket.disconnect(true);
  }

  async onApplicationShutdown(): Promise<void> {
    const closers = this.closers;
    this.closers = [];
    await Promise.allSettled(closers.map((close) => close()));
  }

  private tracking(factory: AdapterConstructor): AdapterConstructor {
    const namespaces = this.namespaces;
    let open = 0;
    const closed = () => {
      open -= 1;
      if (open === 0) this.onAdaptersClosed?.();
    };
    // A plain function: Socket.IO calls it with `new`.
    return function TrackedAdapter(namespace: Namespace) {
      namespaces.add(namespace);
      const adapter = new (factory as unknown as new (nsp: Namespace) => { close(): unknown })(namespace);
      open += 1;
      const close = adapter.close.bind(adapter);
      adapter.close = () => {
        namespaces.delete(namespace);
        const result = close();
        closed();
        return result;
      };
      return adapter;
    } as unknown as AdapterConstructor;
  }

  private async createAdapter(): Promise<AdapterConstructor> {
    if (this.config.redisUrl) {
      const pub = createClient({ url: this.config.redisUrl });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', (error: unknown) => this.logger.warn({ err: error }, 'Redis adapter error'));
      await Promise.all([pub.connect(), sub.connect()]);
      this.closers.push(() => pub.quit(), () => sub.quit());
      this.logger.log('Socket.IO across instances: Redis adapter');
      return createRedisAdapter(pub, sub) as unknown as AdapterConstructor;
    }
    // Notifications are not data: they need no WAL flush, and several can be in flight at once.
    const pool = new pg.Pool({ connectionString: this.config.databaseUrl ?? undefined, max: 8, options: '-c synchronous_commit=off' });
    let shuttingDown = false;
    // Once shutting down, a connection cut by the stopping database is expected, not a problem.
    const onError = (error: Error) =>
      shuttingDown ? this.logger.debug({ err: error }, 'PostgreSQL adapter connection closed while shutting down') : this.logger.warn({ err: error }, 'PostgreSQL adapter connection error');
    pool.on('error', onError);
    // The adapter keeps one client checked out for LISTEN; pg-pool only watches idle clients, so a
    // server restart would otherwise surface as an unhandled 'error' event and kill the process.
    pool.on('connect', (client) => client.on('error', onError));
    const listeners = new ListenerClients(pool);
    this.onAdaptersClosed = () => void listeners.close();
    this.closers.push(async () => {
      shuttingDown = true;
      await listeners.close();
      await endPool(pool);
    });
    this.logger.log('Socket.IO across instances: PostgreSQL adapter');
    return broadcastLocallyWhenAlone(
      createPostgresAdapter(listeners.pool, { errorHandler: (error) => this.logger.warn({ err: error }, 'PostgreSQL adapter error') }),
    );
  }
}

/** How long a shutdown waits for a closing connection to be gone before going on anyway. */
const CONNECTION_END_MS = 2_000;

/**
 * Ends a pool and waits until its connections have really closed: pg-pool's `end()` resolves as
 * soon as it has asked each client to end, so a database stopped right after would cut those
 * connections while they say goodbye (and they would report it as an error).
 */
async function endPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let removed = 0;
  const allRemoved = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      removed += 1;
      if (removed >= open) resolve();
    });
  });
  await pool.end();
  await withinMs(allRemoved, CONNECTION_END_MS);
}

/**
 * The clients the PostgreSQL adapter checks out of the pool for LISTEN, handed out through a view
 * of the pool that fixes two gaps of the adapter:
 * - when that connection dies, the adapter reconnects with a new one without releasing the dead
 *   one: here a client gives itself back when its connection ends;
 * - the adapter releases its client on close only if it already holds one: a client still being
 *   connected at that moment (a short-lived app, a loaded machine) would be kept for good, so
 *   `pool.end()` would never finish; and a connect that fails after the close arms a reconnection
 *   timer again. Once the adapters are closed (`close()`), a client that arrives is destroyed and
 *   `connect` never settles, neither the one in flight nor later ones: no client, no timer.
 */
class ListenerClients {
  readonly pool: pg.Pool;
  private readonly held = new Set<pg.PoolClient>();
  private closed = false;

  constructor(pool: pg.Pool) {
    const view = Object.create(pool) as pg.Pool;
    view.connect = ((callback?: unknown) => {
      if (callback) return (pool.connect as (cb: unknown) => void).call(pool, callback); // pool.query's own path
      if (this.closed) return new Promise(() => undefined);
      return pool.connect().then(
        (client) => this.hand(client),
        (error: unknown) => (this.closed ? new Promise(() => undefined) : Promise.reject(error)),
      );
    }) as pg.Pool['connect'];
    this.pool = view;
  }

  /** Destroys every client the adapter still holds or is being given; resolves once their connections have closed. */
  async close(): Promise<void> {
    this.closed = true;
    const clients = [...this.held];
    const ended = clients.map((client) => new Promise<void>((resolve) => client.once('end', () => resolve())));
    for (const client of clients) this.giveBack(client, new Error('Socket.IO adapter closed'));
    await withinMs(Promise.all(ended), CONNECTION_END_MS);
  }

  private hand(client: pg.PoolClient): Promise<pg.PoolClient> {
    if (this.closed) {
      client.release(true);
      return new Promise(() => undefined);
    }
    this.held.add(client);
    client.once('end', () => this.giveBack(client, new Error('LISTEN connection ended')));
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      this.held.delete(client);
      return release(error);
    };
    return Promise.resolve(client);
  }

  private giveBack(client: pg.PoolClient, error: Error): void {
    try {
      client.release(error);
    } catch {
      // Already given back by the adapter itself (normal shutdown).
    }
  }
}

interface PublishingAdapter {
  serverCount(): Promise<number>;
  doPublish(message: ClusterMessage): Promise<string>;
  onMessage(message: ClusterMessage, offset?: string): void;
  broadcast(packet: unknown, opts: BroadcastOptions): Promise<void>;
  /** This instance's members by room, and rooms by member (socket-io-adapter's in-memory part). */
  rooms: Map<string, Set<string>>;
  sids: Map<string, Set<string>>;
}

/** Whether any member on this instance would get a broadcast to these rooms (none named: everyone). */
function hasLocalAudience(adapter: PublishingAdapter, rooms: Set<string>): boolean {
  if (rooms.size === 0) return adapter.sids.size > 0;
  for (const room of rooms) if ((adapter.rooms.get(room)?.size ?? 0) > 0) return true;
  return false;
}

/**
 * How long no other instance must have been seen before broadcasts stay local. The adapter drops a
 * peer whose heartbeats stop for 10 s (say its event loop stalled), but that peer's clients stay
 * connected until Socket.IO's ping gives up (pingInterval + pingTimeout, 25 + 20 = 45 s by
 * default). Waiting 60 s means that whoever could have missed a local-only broadcast has been
 * disconnected by then, and replays it on reconnect with `since_message_id`.
 */
export const ALONE_AFTER_MS = 60_000;

export interface AloneOptions {
  aloneAfterMs?: number;
  now?: () => number;
}

/**
 * PostgreSQL NOTIFY tops out near 800 messages/s here, and a lone instance has no one to tell:
 * while no other instance has been seen for ALONE_AFTER_MS, broadcasts stay local (heartbeats
 * and every other cluster message still go out, so a new instance is known within milliseconds).
 */
export function broadcastLocallyWhenAlone(factory: AdapterConstructor, { aloneAfterMs = ALONE_AFTER_MS, now = Date.now }: AloneOptions = {}): AdapterConstructor {
  // A plain function (not an arrow) because Socket.IO calls it with `new`; returning an object from it is allowed.
  return function LocalWhenAloneAdapter(namespace: unknown) {
    const adapter = (factory as unknown as (nsp: unknown) => PublishingAdapter)(namespace);
    // The start counts as a sighting: a new instance has not yet heard its peers' heartbeats.
    let othersSeenAt = now();
    // Every message that reaches onMessage comes from another instance (the adapter drops its own).
    const receive = adapter.onMessage.bind(adapter);
    adapter.onMessage = (message, offset) => {
      othersSeenAt = now();
      receive(message, offset);
    };
    // Alone, a broadcast no one here would receive is dropped before the adapter encodes it (every
    // ticket created with no agent connected would otherwise be encoded, framed and published for
    // nobody). Alone without asking serverCount: another instance's heartbeats (every 5 s) are
    // sightings, so none for aloneAfterMs means none is known.
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      if (broadcastStaysLocal(1, now(), othersSeenAt, aloneAfterMs) && !hasLocalAudience(adapter, opts.rooms)) return Promise.resolve();
      return broadcast(packet, opts);
    };
    const publish = adapter.doPublish.bind(adapter);
    adapter.doPublish = async (message) => {
      if (message.type === MessageType.BROADCAST) {
        const servers = await adapter.serverCount();
        const at = now();
        if (servers > 1) othersSeenAt = at;
        if (broadcastStaysLocal(servers, at, othersSeenAt, aloneAfterMs)) return '';
      }
      return publish(message);
    };
    return adapter;
  } as unknown as AdapterConstructor;
}

/** Nest's Socket.IO adapter with our path, CORS allow-list, size limit and cross-instance adapter. */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly adapter: AdapterConstructor,
    private readonly corsOrigins: string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      path: '/socket.io',
      maxHttpBufferSize: TRANSPORT_MAX_BYTES,
      cors: { origin: this.corsOrigins.includes('*') ? true : this.corsOrigins, credentials: true },
    } as ServerOptions) as Server;
    server.adapter(this.adapter);
    return server;
  }
}

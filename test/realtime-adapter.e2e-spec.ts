import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server } from 'socket.io';
import type { AppConfig } from '#src/config/app-config.js';
import { RealtimeAdapterFactory } from '#src/modules/chat/realtime-adapter.js';
import { createTestDatabase, type TestDatabase } from './utils/test-db.js';

/** A loopback relay that holds every new connection until `release()`: a database slow to answer. */
class HoldingProxy {
  private readonly server: NetServer;
  private readonly held: Socket[] = [];
  private readonly open = new Set<Socket>();
  private released = false;

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      this.track(client);
      if (this.released) this.relay(client);
      else this.held.push(client.pause());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as { port: number }).port);
    return url.toString();
  }

  release(): void {
    this.released = true;
    for (const client of this.held.splice(0)) this.relay(client);
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = this.track(createConnection(Number(this.target.port), this.target.hostname));
    client.pipe(upstream).pipe(client);
    client.resume();
  }

  private track(socket: Socket): Socket {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }
}

describe('RealtimeAdapterFactory', () => {
  let database: TestDatabase;
  let proxy: HoldingProxy;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  afterEach(() => proxy.close());

  it('shuts down although its LISTEN connection was still being opened when Socket.IO closed', async () => {
    proxy = new HoldingProxy(new URL(database.url));
    const factory = new RealtimeAdapterFactory({ databaseUrl: await proxy.listen(), redisUrl: null } as AppConfig);
    const io = new Server(createHttpServer());
    io.adapter(await factory.create()); // the adapter starts connecting for LISTEN: held by the proxy
    await io.close();

    const shutdown = factory.onApplicationShutdown();
    proxy.release(); // the connection the adapter asked for arrives after it was closed
    const outcome = await Promise.race([
      shutdown.then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 10_000, 'still waiting').unref()),
    ]);
    expect(outcome).toBe('closed');
  });
});

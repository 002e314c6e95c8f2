import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '#src/config/app-config.js';
import { PlainWebSocketGateway } from '#src/modules/chat/plain-websocket.gateway.js';
import { RealtimeAdapterFactory } from '#src/modules/chat/realtime-adapter.js';

/** The most a shutdown may take (closing the app, then an embedded database) before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 8_000;

/** How long in-flight requests and WebSocket close handshakes get before their connections are cut. */
export const CONNECTION_GRACE_MS = 1_000;

/**
 * The ordered close of an application, shared by main.ts and the tests. Call it right after
 * `NestFactory.create` (it tracks connections from then on); the returned function then:
 * 1. stops accepting connections and closes idle keep-alive ones;
 * 2. closes this instance's plain WebSocket connections (1001) and disconnects its Socket.IO clients,
 *    whose disconnect handlers still reach the database;
 * 3. stops the periodic jobs, so none starts while the pools drain;
 * 4. runs `app.close()`: lifecycle hooks (presence rows, the session LISTEN connection), the
 *    Socket.IO and HTTP servers, then the adapter's and TypeORM's pools.
 * Connections still open after CONNECTION_GRACE_MS (a request that takes long, a peer that does not answer
 * a WebSocket close) are cut, so the HTTP server's close cannot wait on a client.
 */
export function prepareClose(app: INestApplication): () => Promise<void> {
  const server = app.getHttpServer() as Server;
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  let closing: Promise<void> | null = null;
  const close = async () => {
    server.close();
    server.closeIdleConnections();
    const cut = setTimeout(() => {
      for (const socket of connections) socket.destroy();
    }, CONNECTION_GRACE_MS);
    cut.unref();
    try {
      app.get(PlainWebSocketGateway).close();
      app.get(RealtimeAdapterFactory).disconnectClients();
      stopJobs(app);
      await app.close();
    } finally {
      clearTimeout(cut);
    }
  };
  return () => (closing ??= close());
}

/** Periodic jobs exist only where CRON_ENABLED (ScheduleModule loaded). */
function stopJobs(app: INestApplication): void {
  if (!app.get(AppConfig).cronEnabled) return;
  const registry = app.get(SchedulerRegistry);
  for (const name of registry.getIntervals()) registry.deleteInterval(name);
  for (const name of registry.getTimeouts()) registry.deleteTimeout(name);
  for (const name of [...registry.getCronJobs().keys()]) registry.deleteCronJob(name);
}

import type { Socket } from 'socket.io-client';
import { createTestApp, type TestApp } from './create-test-app.js';
import { connect } from './socket.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

/**
 * Two app instances over one fresh database for the enclosing describe block: started before its
 * tests (handed to `use`), closed after them, with the sockets the tests put in `sockets`. `env` may
 * be a function, read when the instances start (for a setting known only then, such as a test server's port).
 * `open(app, token)` connects a Socket.IO client to one of them and closes it with the rest.
 */
export function twoInstances(
  env: Record<string, string> | (() => Record<string, string>),
  use: (a: TestApp, b: TestApp) => void,
): { sockets: Socket[]; open: (app: TestApp, token: string) => Promise<Socket> } {
  const sockets: Socket[] = [];
  let database: TestDatabase;
  let apps: TestApp[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const settings = typeof env === 'function' ? env() : env;
    apps = [await createTestApp(settings, database), await createTestApp(settings, database)];
    use(apps[0], apps[1]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
    await database.drop();
  });
  const open = async (app: TestApp, token: string) => {
    const socket = await connect(app.baseUrl, token);
    sockets.push(socket);
    return socket;
  };
  return { sockets, open };
}

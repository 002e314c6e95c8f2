import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres.ts';

declare global {
  var __testPostgres: RunningPostgres | undefined;
}

/** Only databases whose name says "test" are ever written to by the suite. */
export function assertTestDatabase(url: string): void {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
  }
}

/**
 * Starts the PostgreSQL the e2e tests use: TEST_DATABASE_URL when set, else an embedded throw-away
 * cluster. Each test file later clones its own database from a migrated template (test/utils/test-db.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    assertTestDatabase(adminUrl);
  } else {
    const parent = await mkdtemp(path.join(tmpdir(), 'support-test-pg-'));
    await chmod(parent, 0o755);
    const postgres = await startEmbeddedPostgres({
      dir: path.join(parent, 'data'),
      port: 0,
      database: 'test',
      persistent: false,
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    });
    globalThis.__testPostgres = postgres;
    adminUrl = postgres.url;
  }
  const runTag = `${process.pid}_${Date.now().toString(36)}`;
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_RUN_TAG = runTag;
}

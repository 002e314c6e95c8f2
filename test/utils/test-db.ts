import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AdvisoryLock } from '#src/common/database/advisory-locks.js';
import { runMigrations } from '#src/database/data-source.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through Jest's global setup`);
  return value;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env('TEST_ADMIN_URL') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, cloned from a template that the first caller of this run
 * migrates (under an advisory lock, so parallel workers wait for it rather than race).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const runTag = env('TEST_RUN_TAG');
  const template = `test_${runTag}_template`;
  const name = `test_${runTag}_${randomBytes(4).toString('hex')}`;
  const adminUrl = env('TEST_ADMIN_URL');
  await withAdmin(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [AdvisoryLock.TEST_TEMPLATE]);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE "${template}"`);
        await runMigrations(withDatabase(adminUrl, template));
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [AdvisoryLock.TEST_TEMPLATE]);
    }
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_ADMIN_URL;
  const runTag = process.env.TEST_RUN_TAG;
  if (adminUrl && runTag && process.env.TEST_DATABASE_URL) {
    // On a shared server, drop whatever this run left behind (each file drops its own clone).
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`test_${runTag}_%`],
      );
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  await globalThis.__testPostgres?.stop();
}

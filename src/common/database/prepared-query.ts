import pg, { type Pool, type PoolClient, type QueryConfig } from 'pg';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';

/** pg's type id of `timestamptz`. */
const TIMESTAMPTZ_OID = 1184;
const asText = (value: string) => value;

/**
 * Hot-path statements get `timestamptz` columns as PostgreSQL's text (see timestamps.ts) rather
 * than parsed into Date objects only to be written back out as ISO strings.
 */
export const RAW_TIMESTAMPS = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === TIMESTAMPTZ_OID ? asText : pg.types.getTypeParser(oid, format)),
} as unknown as QueryConfig['types'];

/**
 * Runs one statement of a hot path straight on pg, skipping TypeORM's query runner, as a named
 * prepared statement: PostgreSQL parses and plans it once per connection instead of on every
 * call. A `name` must always go with the same `text`; pass null for statements whose best plan
 * depends on the values (a LIKE pattern, say). With a `manager` in a transaction it runs on that
 * transaction's connection.
 *
 * Timestamps come back as text (timestamps.ts turns them into ISO strings). Errors are wrapped in
 * TypeORM's QueryFailedError, so they are handled like those of any other query.
 */
export async function preparedQuery<T>(db: DataSource, name: string | null, text: string, values: unknown[], manager?: EntityManager): Promise<T[]> {
  const runner = manager?.queryRunner;
  const client: Pool | PoolClient = runner?.isTransactionActive
    ? ((await runner.connect()) as PoolClient)
    : (db.driver as unknown as { master: Pool }).master;
  try {
    const result = await client.query<T & pg.QueryResultRow>({ name: name ?? undefined, text, values, types: RAW_TIMESTAMPS });
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

import type { Readable } from 'node:stream';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';
import { RAW_TIMESTAMPS } from '#src/common/database/prepared-query.js';

/** Rows fetched from the cursor per round trip (and the stream's buffer, in rows). */
const BATCH_ROWS = 500;

/**
 * Runs one statement through a server-side cursor (pg-query-stream) on a connection of its own,
 * and returns its rows as an object-mode stream with backpressure: a batch is fetched only when
 * the reader wants more, so a result of any size never sits in memory. Timestamps come as text,
 * as with preparedQuery. The connection goes back to the pool when the rows end; a stream
 * destroyed early (the HTTP client went away) or failed closes the cursor and discards the
 * connection, so nothing of the abandoned query can linger on it.
 */
export async function streamQuery(db: DataSource, text: string, values: unknown[]): Promise<Readable> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  const stream = client.query(new QueryStream(text, values, { batchSize: BATCH_ROWS, highWaterMark: BATCH_ROWS, types: RAW_TIMESTAMPS }));
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  stream.once('end', () => release());
  stream.once('error', (error) => release(error));
  stream.once('close', () => release(stream.readableEnded ? undefined : new Error('stream closed before its end')));
  return stream;
}

import type { DataSource } from 'typeorm';

export interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** What is wrong with an error answer's body, or null when it is the contract's error shape. */
export function errorShapeProblem(res: Answer): string | null {
  const body = res.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return `no JSON error body (${typeof res.body})`;
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'details,error,message,request_id,status_code' && keys !== 'error,message,request_id,status_code') return `keys ${keys}`;
  if (body.status_code !== res.status) return `status_code ${String(body.status_code)} in a ${res.status}`;
  if (typeof body.error !== 'string' || !/^[a-z_]+$/.test(body.error)) return `error ${JSON.stringify(body.error)}`;
  if (typeof body.message !== 'string' || body.message.length === 0) return 'no message';
  if ('details' in body && !Array.isArray(body.details)) return 'details is not an array';
  if (!body.request_id || body.request_id !== res.headers['x-request-id']) return `request_id ${String(body.request_id)} is not X-Request-Id ${String(res.headers['x-request-id'])}`;
  return null;
}

/** Tables a refused request must leave as they were. */
const TABLES = ['tickets', 'messages', 'notes', 'users', 'queues', 'ticket_events', 'attachments', 'sla_policies', 'business_calendars'];

/** Each table's row count and a digest of all its rows, so that an insert, an update and a delete all show. */
export async function tableStates(db: DataSource): Promise<Record<string, string>> {
  const columns = TABLES.map((name) => `(SELECT count(*) || ' rows, ' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${name} x) AS ${name}`);
  const [row] = (await db.query(`SELECT ${columns.join(', ')}`)) as Record<string, string>[];
  return row;
}

/** Runs `tasks` with at most `concurrency` at a time, keeping their order in the results. */
export async function inPool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

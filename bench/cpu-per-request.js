// CPU per request: the service's and the baseline's CPU time for a fixed number of ticket creates
// and lists, from /proc, and (on the embedded PostgreSQL) the database server's CPU and the
// statements each request ran (pg_stat_statements). Less sensitive to a busy machine than req/s.
// Run after `npm run build`:
//   node bench/cpu-per-request.js      (BENCH_DATABASE_URL, BENCH_REQUESTS, BENCH_CONNECTIONS, BENCH_ONLY,
//                                       BENCH_STATEMENTS=1 to list each statement's calls per request)
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds, findFreePort, freshDatabase, settle, startProcess, runBench, tearDown, treeCpuSeconds } from './lib/harness.js';

const requests = Number(process.env.BENCH_REQUESTS ?? 5000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const only = (process.env.BENCH_ONLY ?? 'create,list,me,notfound').split(',');
const listStatements = process.env.BENCH_STATEMENTS === '1';
const log = (...args) => console.log(...args);

async function json(url, options) {
  const res = await fetch(url, { ...options, headers: { 'Content-Type': 'application/json', ...(options?.headers ?? {}) } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * PostgreSQL's side of the runs: the server's CPU (all its processes) and, through
 * pg_stat_statements, the statements run in the bench database. Null figures with a server of
 * BENCH_DATABASE_URL (its CPU is not ours to read, and it may lack the extension).
 */
function databaseMeter(database, stats) {
  return {
    async start() {
      if (!stats) return null;
      await stats.query('SELECT pg_stat_statements_reset()');
      return treeCpuSeconds(database.postgresPid);
    },
    async stop(startedCpu) {
      if (!stats) return { cpu: null, statements: null, rows: [] };
      const cpu = (await treeCpuSeconds(database.postgresPid)) - startedCpu;
      const { rows } = await stats.query(
        `SELECT calls::int, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND query NOT ILIKE '%pg_stat_statements%'
          ORDER BY calls DESC`,
      );
      return { cpu, statements: rows.reduce((sum, r) => sum + r.calls, 0), rows };
    },
  };
}

async function cpuPer(pid, options, meter) {
  await autocannon({ ...options, connections, amount: 500 });
  const before = await cpuSeconds(pid);
  const dbBefore = await meter.start();
  const result = await autocannon({ ...options, connections, amount: requests });
  const cpu = (await cpuSeconds(pid)) - before;
  const db = await meter.stop(dbBefore);
  if ((result.non2xx && !options.expect404) || result.errors) throw new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const per = (value) => (value === null ? '-' : value / requests);
  return { cpu: (cpu / requests) * 1e6, dbCpu: db.cpu === null ? null : (db.cpu / requests) * 1e6, statements: per(db.statements), rows: db.rows };
}

async function main() {
  const database = await freshDatabase('bench_cpu', { postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements'] });
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  let stats = null;
  if (database.postgresPid) {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    stats = new pg.Client({ connectionString: database.url });
  }
  await db.query(`INSERT INTO users (email, name, role) VALUES ('cpu-client@example.test', 'C', 'client')`);
  const [{ id: clientId }] = (await db.query(`SELECT id FROM users WHERE email = 'cpu-client@example.test'`)).rows;
  const [{ id: queueId }] = (await db.query(`SELECT id FROM queues WHERE system_key = 'general'`)).rows;
  await db.query(`INSERT INTO tickets (title, description, priority, queue_id, client_id, source, frt_deadline, ttr_deadline)
                  SELECT 'Seeded ' || g, 'Seeded description ' || g, 'medium', $1, $2, 'web', now(), now() FROM generate_series(1, 20000) g`, [queueId, clientId]);
  // As bench/tickets.js does: without statistics the planner may sort the whole table for a list.
  await db.query('ANALYZE');
  await db.end();
  const appPort = await findFreePort();
  const basePort = await findFreePort();
  const app = await startProcess('service', 'dist/src/main.js', {
    DATABASE_URL: database.url, PORT: String(appPort), NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    LOG_LEVEL: 'warn', CRON_ENABLED: 'false', ADMIN_EMAIL: 'cpu-admin@example.test', ADMIN_PASSWORD: 'cpu-admin-password',
    // Limits are still counted, but never reached: thousands of writes per second from one user and one IP.
    RATE_LIMIT_WRITES_PER_MINUTE: '10000000', RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '10000000', SIGNUP_PER_HOUR_PER_IP: '10000000', LOGIN_PER_MINUTE_PER_IP: '10000000',
  }, `http://127.0.0.1:${appPort}/health`);
  const baseline = await startProcess('baseline', 'bench/baseline/tickets-server.js',
    { DATABASE_URL: database.url, PORT: String(basePort), BASELINE_CLIENT_ID: String(clientId), BASELINE_QUEUE_ID: String(queueId) },
    `http://127.0.0.1:${basePort}/health`);
  try {
    const api = `http://127.0.0.1:${appPort}/api/v1`;
    const admin = await json(`${api}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'cpu-admin@example.test', password: 'cpu-admin-password' }) });
    const client = await json(`${api}/auth/signup`, { method: 'POST', body: JSON.stringify({ email: 'cpu-customer@example.test', password: 'cpu-customer-password', name: 'C' }) });
    const body = JSON.stringify({ title: 'Printer on fire', description: 'It started smoking after the update.' });
    await settle(app, log);
    const rows = [
      ['create', { url: `${api}/tickets`, method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${client.access_token}` }, body },
        { url: `http://127.0.0.1:${basePort}/tickets`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body }],
      ['list', { url: `${api}/tickets?status=open&limit=20`, headers: { Authorization: `Bearer ${admin.access_token}` } },
        { url: `http://127.0.0.1:${basePort}/tickets?status=open&limit=20` }],
    ];
    // The fixed costs: a signed-in read of one user, and an unknown route (middleware and the 404 only).
    rows.push(['me', { url: `${api}/auth/me`, headers: { Authorization: `Bearer ${admin.access_token}` } }, { url: `http://127.0.0.1:${basePort}/health` }]);
    rows.push(['notfound', { url: `${api}/nope`, expect404: true }, { url: `http://127.0.0.1:${basePort}/health` }]);
    if (stats) await stats.connect();
    const meter = databaseMeter(database, stats);
    const fixed = (value, digits = 0) => (typeof value === 'number' ? value.toFixed(digits) : '-');
    const details = [];
    log(`| endpoint | service CPU µs/req | baseline CPU µs/req | ratio | PostgreSQL CPU µs/req (service / baseline) | statements/req (service / baseline) |`);
    for (const [name, svc, base] of rows.filter(([name]) => only.includes(name))) {
      const s = await cpuPer(app.child.pid, svc, meter);
      const b = await cpuPer(baseline.child.pid, base, meter);
      log(`| ${name} | ${s.cpu.toFixed(0)} | ${b.cpu.toFixed(0)} | ${(s.cpu / b.cpu).toFixed(2)}x | ${fixed(s.dbCpu)} / ${fixed(b.dbCpu)} | ${fixed(s.statements, 2)} / ${fixed(b.statements, 2)} |`);
      details.push([name, s.rows]);
    }
    if (listStatements) {
      for (const [name, statementRows] of details) {
        log(`\n${name}: the service's statements per request`);
        for (const r of statementRows) log(`  ${(r.calls / requests).toFixed(3)}  ${r.query}`);
      }
    }
  } finally {
    await stats?.end().catch(() => undefined);
    await tearDown(database, app, baseline);
  }
}

runBench(main);

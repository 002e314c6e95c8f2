// Ticket create/list throughput: the service against a bare node:http + pg baseline, on the same
// database seeded with 100,000 tickets over 1,000 clients. Run: npm run bench:tickets
// Options (env): BENCH_DURATION (seconds per run, default 15), BENCH_CONNECTIONS (default 50),
// BENCH_DATABASE_URL (a server to use instead of an embedded one), BENCH_ONLY (create or list),
// BENCH_FLOORS (which framework floors to run beside them, default `express,nest,checked`; empty for none).
import pg from 'pg';
import { findFreePort, freshDatabase, load, SERVICE_NODE_FLAGS, settle, startProcess, table, runBench, tearDown } from './lib/harness.js';

const duration = Number(process.env.BENCH_DURATION ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Which endpoints to measure (for profiling one at a time): `create`, `list` or both (default). */
const only = (process.env.BENCH_ONLY ?? 'create,list').split(',');
/** The framework floors (baseline/framework-floor-server.js): the baseline's SQL through Express, Nest, Nest with guard and pipe. */
const floors = (process.env.BENCH_FLOORS ?? 'express,nest,checked').split(',').filter(Boolean);
const FLOOR_LABELS = { express: 'express floor', nest: 'nest floor', checked: 'nest+guard+pipe floor' };
const log = (...args) => console.log(...args);

async function seed(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const started = Date.now();
  await db.query(`INSERT INTO users (email, name, role) SELECT 'bench-client-' || g || '@example.test', 'Client ' || g, 'client' FROM generate_series(1, 1000) g`);
  await db.query(`
    INSERT INTO tickets (title, description, status, priority, queue_id, client_id, source, frt_deadline, ttr_deadline,
                         first_response_at, resolved_at, closed_at, created_at, updated_at)
    SELECT 'Seeded ticket ' || g, 'Seeded description number ' || g,
           (ARRAY['open','in_progress','waiting_customer','resolved','closed'])[1 + g % 5],
           (ARRAY['low','medium','high','urgent'])[1 + g % 4],
           q.ids[1 + g % array_length(q.ids, 1)],
           c.first + (g % 1000), 'web', ts + interval '4 hours', ts + interval '24 hours',
           CASE WHEN g % 5 > 0 THEN ts + interval '30 minutes' END,
           CASE WHEN g % 5 IN (3, 4) THEN ts + interval '3 hours' END,
           CASE WHEN g % 5 = 4 THEN ts + interval '4 hours' END,
           ts, ts
      FROM generate_series(1, 100000) g
     CROSS JOIN LATERAL (SELECT now() - g * interval '1 minute' AS ts) t
     CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM queues) q
     CROSS JOIN (SELECT min(id) AS first FROM users WHERE email LIKE 'bench-client-%') c`);
  await db.query('ANALYZE');
  const [{ id: clientId }] = (await db.query(`SELECT min(id) AS id FROM users WHERE role = 'client'`)).rows;
  const [{ id: queueId }] = (await db.query(`SELECT id FROM queues WHERE system_key = 'general'`)).rows;
  await db.end();
  log(`seeded 100,000 tickets over 1,000 clients in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { clientId, queueId };
}

async function json(url, options) {
  const res = await fetch(url, { ...options, headers: { 'Content-Type': 'application/json', ...(options?.headers ?? {}) } });
  if (!res.ok) throw new Error(`${options?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const database = await freshDatabase('bench_tickets');
  const { clientId, queueId } = await seed(database.url);
  const appPort = await findFreePort();
  const basePort = await findFreePort();
  const app = await startProcess(
    'service',
    'dist/src/main.js',
    {
      DATABASE_URL: database.url,
      PORT: String(appPort),
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      LOG_LEVEL: 'warn',
      CRON_ENABLED: 'false',
      // Limits are still counted, but never reached: thousands of writes per second from one user and one IP.
      RATE_LIMIT_WRITES_PER_MINUTE: '10000000',
      RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '10000000',
      SIGNUP_PER_HOUR_PER_IP: '10000000',
      LOGIN_PER_MINUTE_PER_IP: '10000000',
      ADMIN_EMAIL: 'bench-admin@example.test',
      ADMIN_PASSWORD: 'bench-admin-password',
    },
    `http://127.0.0.1:${appPort}/health`,
  );
  const baseline = await startProcess(
    'baseline',
    'bench/baseline/tickets-server.js',
    { DATABASE_URL: database.url, PORT: String(basePort), BASELINE_CLIENT_ID: String(clientId), BASELINE_QUEUE_ID: String(queueId) },
    `http://127.0.0.1:${basePort}/health`,
  );
  const floorServers = [];
  try {
    for (const floor of floors) {
      const port = await findFreePort();
      const started = await startProcess(
        FLOOR_LABELS[floor],
        'bench/baseline/framework-floor-server.js',
        { DATABASE_URL: database.url, PORT: String(port), FLOOR: floor, BASELINE_CLIENT_ID: String(clientId), BASELINE_QUEUE_ID: String(queueId) },
        `http://127.0.0.1:${port}/health`,
        // The service's flags, so that service against floor compares the code alone.
        { nodeFlags: SERVICE_NODE_FLAGS },
      );
      floorServers.push({ label: FLOOR_LABELS[floor], port, started });
    }
    const api = `http://127.0.0.1:${appPort}/api/v1`;
    const admin = await json(`${api}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'bench-admin@example.test', password: 'bench-admin-password' }) });
    await json(`${api}/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.access_token}` },
      body: JSON.stringify({ email: 'bench-agent@example.test', password: 'bench-agent-password', name: 'Bench Agent', role: 'agent' }),
    });
    const agent = await json(`${api}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'bench-agent@example.test', password: 'bench-agent-password' }) });
    const client = await json(`${api}/auth/signup`, { method: 'POST', body: JSON.stringify({ email: 'bench-customer@example.test', password: 'bench-customer-password', name: 'Bench Customer' }) });

    const body = JSON.stringify({ title: 'Printer on fire', description: 'It started smoking after the update.' });
    const floorRuns = (kind, options) =>
      floorServers.map(({ label, port, started }) => [
        `${kind}: ${label}`,
        { ...options, url: `http://127.0.0.1:${port}${options.path}`, headers: { ...options.headers, Authorization: 'Bearer floor' }, pid: started.child.pid },
      ]);
    const runs = [
      ['create: baseline', { url: `http://127.0.0.1:${basePort}/tickets`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body, pid: baseline.child.pid }],
      ...floorRuns('create', { path: '/tickets', method: 'POST', headers: { 'Content-Type': 'application/json' }, body }),
      ['create: service', { url: `${api}/tickets`, method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${client.access_token}` }, body, pid: app.child.pid }],
      ['list: baseline', { url: `http://127.0.0.1:${basePort}/tickets?status=open&limit=20`, pid: baseline.child.pid }],
      ...floorRuns('list', { path: '/tickets?status=open&limit=20', headers: {} }),
      ['list: service', { url: `${api}/tickets?status=open&limit=20`, headers: { Authorization: `Bearer ${agent.access_token}` }, pid: app.child.pid }],
    ];
    await settle(app, log);
    const results = [];
    for (const [name, options] of runs.filter(([name]) => only.includes(name.split(':')[0]))) {
      await load({ ...options, connections, duration: 3 }); // warm-up
      const result = await load({ ...options, connections, duration });
      results.push({ name, ...result });
      log(`${name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms`);
    }
    log(`\n${connections} connections, ${duration} s per run, after a 3 s warm-up\n`);
    log(table(results));
    const ratios = (kind) => {
      const base = results.find((r) => r.name === `${kind}: baseline`);
      const against = (name) => {
        const run = results.find((r) => r.name === `${kind}: ${name}`);
        return `${kind}: ${name}: ${((run.rps / base.rps) * 100).toFixed(0)}% of baseline req/s, p99 ${(run.p99 / base.p99).toFixed(2)}x baseline`;
      };
      const target = `(target: service >= ${kind === 'create' ? 60 : 75}%, p99 <= 2x)`;
      return [...floorServers.map(({ label }) => against(label)), `${against('service')} ${target}`].join('\n');
    };
    log(`\n${only.map(ratios).join('\n')}`);
  } finally {
    await tearDown(database, app, baseline, ...floorServers.map(({ started }) => started));
  }
}

runBench(main);

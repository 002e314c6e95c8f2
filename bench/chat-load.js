// Live-chat load: 100 tickets, each with one customer and one agent connected over Socket.IO,
// everyone sending at a fixed rate; the service (every message written to PostgreSQL before it is
// acknowledged or broadcast) against a bare socket.io server that stores nothing.
// Run: npm run bench:chat. Options (env): BENCH_TICKETS (100), BENCH_RATE (messages/s per
// participant, 2), BENCH_DURATION (s, 30), BENCH_RAMP (rates for the ramp, "2,4,6,8"),
// BENCH_RAMP_DURATION (s per step, 10), BENCH_DATABASE_URL, BENCH_REDIS_URL (run the service
// with the Redis adapter instead of the PostgreSQL one).
import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';
import { io } from 'socket.io-client';
import { cpuSeconds, findFreePort, freshDatabase, percentile, settle, startProcess, runBench, tearDown } from './lib/harness.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 2);
const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const RAMP = (process.env.BENCH_RAMP ?? '2,4,6,8').split(',').map(Number);
const RAMP_DURATION = Number(process.env.BENCH_RAMP_DURATION ?? 10);
const SECRET = 'bench-secret-bench-secret-bench-secret';
const log = (...args) => console.log(...args);

async function seed(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows: customers } = await db.query(
    `INSERT INTO users (email, name, role) SELECT 'chat-customer-' || g || '@example.test', 'Customer ' || g, 'client' FROM generate_series(1, $1) g RETURNING id`,
    [TICKETS],
  );
  const { rows: agents } = await db.query(
    `INSERT INTO users (email, name, role) SELECT 'chat-agent-' || g || '@example.test', 'Agent ' || g, 'agent' FROM generate_series(1, $1) g RETURNING id`,
    [TICKETS],
  );
  const pairs = [];
  for (let i = 0; i < TICKETS; i += 1) {
    const { rows } = await db.query(
      `INSERT INTO tickets (title, description, client_id, agent_id, source, frt_deadline, ttr_deadline)
       VALUES ('Chat ' || $1, 'load', $2, $3, 'chat', now() + interval '4 hours', now() + interval '1 day') RETURNING id`,
      [i, customers[i].id, agents[i].id],
    );
    pairs.push({ ticketId: rows[0].id, customerId: customers[i].id, agentId: agents[i].id });
  }
  await db.end();
  return pairs;
}

/** An access token as the service issues them (HS256, jti, token version), signed with the bench secret. */
function token(userId) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, ver: 0, iat: now, exp: now + 3600, jti: randomUUID() })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

function connect(baseUrl, auth) {
  const socket = io(`${baseUrl}/support`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Connects both sides of every ticket and joins its room. */
async function participants(baseUrl, pairs) {
  const all = [];
  for (const pair of pairs) {
    for (const userId of [pair.customerId, pair.agentId]) {
      const socket = await connect(baseUrl, { token: token(userId) });
      const joined = await socket.timeout(10_000).emitWithAck('ticket:join', { ticket_id: pair.ticketId });
      if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
      all.push({ socket, userId, ticketId: pair.ticketId });
    }
  }
  return all;
}

/** Everyone sends `rate` messages/s for `seconds`; returns delivery and latency figures. */
async function run(people, rate, seconds, pid) {
  const sent = new Map(); // client_msg_id -> { at, from, ticketId }
  const deliveries = new Map(); // client_msg_id -> count at the counterpart
  const latencies = [];
  const ackedIds = new Set();
  let refused = 0;
  const listeners = people.map((p) => {
    const listener = (message) => {
      const origin = sent.get(message.client_msg_id);
      if (!origin || origin.from === p.userId) return;
      const count = (deliveries.get(message.client_msg_id) ?? 0) + 1;
      deliveries.set(message.client_msg_id, count);
      if (count === 1) latencies.push(performance.now() - origin.at);
    };
    p.socket.on('message:new', listener);
    return () => p.socket.off('message:new', listener);
  });
  const cpuBefore = pid ? await cpuSeconds(pid) : 0;
  const started = performance.now();
  const interval = 1000 / rate;
  const pending = [];
  await Promise.all(
    people.map(async (p, index) => {
      // Spread the senders over the interval so the load is even.
      await new Promise((r) => setTimeout(r, (interval * index) / people.length));
      const total = Math.round(rate * seconds);
      for (let i = 0; i < total; i += 1) {
        const due = started + (interval * index) / people.length + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const id = randomUUID();
        sent.set(id, { at: performance.now(), from: p.userId });
        pending.push(
          p.socket
            .timeout(10_000)
            .emitWithAck('message:send', { ticket_id: p.ticketId, content: `load ${i}`, client_msg_id: id })
            .then((answer) => (answer.ok ? ackedIds.add(id) : (refused += 1)), () => (refused += 1)),
        );
      }
    }),
  );
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // stragglers
  const cpu = pid ? (await cpuSeconds(pid)) - cpuBefore : null;
  listeners.forEach((off) => off());
  latencies.sort((a, b) => a - b);
  const acked = ackedIds.size;
  const delivered = [...ackedIds].filter((id) => deliveries.has(id)).length;
  return {
    rate,
    sent: sent.size,
    acked,
    refused,
    delivered,
    lost: acked - delivered,
    duplicated: [...deliveries.values()].filter((n) => n > 1).length,
    perSecond: Math.round(acked / elapsed),
    p50: percentile(latencies, 50)?.toFixed(1),
    p99: percentile(latencies, 99)?.toFixed(1),
    cpuPercent: cpu === null ? null : Math.round((cpu / elapsed) * 100),
  };
}

function report(title, rows) {
  log(`\n${title}`);
  log('| msgs/s per participant | sent | acked | refused or timed out | delivered | lost | duplicated | acked msgs/s | p50 ms | p99 ms | server CPU % |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    log(`| ${r.rate} | ${r.sent} | ${r.acked} | ${r.refused} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.cpuPercent ?? '-'} |`);
  }
}

async function measure(label, baseUrl, pairs, pid) {
  const people = await participants(baseUrl, pairs);
  try {
    // Warm-up, not reported: connection pools fill, the JIT settles, and each ticket takes its
    // first agent reply (which stamps first_response_at) before measuring.
    await run(people, RATE, 5, pid);
    const main = await run(people, RATE, DURATION, pid);
    const ramp = [];
    for (const rate of RAMP) ramp.push(await run(people, rate, RAMP_DURATION, pid));
    report(`${label}: ${people.length} participants on ${pairs.length} tickets, ${RATE} msgs/s each for ${DURATION} s`, [main]);
    report(`${label}: ramp, ${RAMP_DURATION} s per step`, ramp);
    return { main, ramp };
  } finally {
    people.forEach((p) => p.socket.close());
  }
}

async function main() {
  const database = await freshDatabase('bench_chat');
  const pairs = await seed(database.url);
  const appPort = await findFreePort();
  const basePort = await findFreePort();
  const app = await startProcess(
    'service',
    'dist/src/main.js',
    { DATABASE_URL: database.url, PORT: String(appPort), NODE_ENV: 'production', JWT_SECRET: SECRET, LOG_LEVEL: 'warn', CRON_ENABLED: 'false', AUTO_ASSIGN: 'false', CHAT_RATE_LIMIT: '100000', CHAT_MAX_SOCKETS_PER_USER: '10000', RATE_LIMIT_WRITES_PER_MINUTE: '10000000', RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '10000000', SIGNUP_PER_HOUR_PER_IP: '10000000', LOGIN_PER_MINUTE_PER_IP: '10000000', ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}) },
    `http://127.0.0.1:${appPort}/health`,
  );
  const baseline = await startProcess('baseline', 'bench/baseline/chat-server.js', { PORT: String(basePort) }, `http://127.0.0.1:${basePort}/health`);
  try {
    await settle(app, log);
    const svc = await measure('service', `http://127.0.0.1:${appPort}`, pairs, app.child.pid);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query('SELECT count(*)::int AS n FROM messages');
    await db.end();
    log(`\nmessages stored by the service: ${rows[0].n} (acknowledged: ${[svc.main, ...svc.ramp].reduce((n, r) => n + r.acked, 0)})`);
    await measure('baseline (no database)', `http://127.0.0.1:${basePort}`, pairs, baseline.child.pid);
    const sustained = svc.ramp.filter((r) => Number(r.p99) < 100).map((r) => r.perSecond);
    log(`\nservice: highest acked rate with p99 under 100 ms: ${sustained.length ? Math.max(...sustained) : 0} msgs/s (target >= 1000)`);
  } finally {
    await tearDown(database, app, baseline);
  }
}

runBench(main);

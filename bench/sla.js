// The SLA minute job at scale: for each table size, seeds tickets (10% open, BENCH_SLA_DUE of the
// open ones inside the warning window, the rest due later), times one run of the job and a re-run,
// and prints the candidate query's plan. Run: npm run bench:sla
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { AppModule } from '../dist/src/app.module.js';
import { loadConfig } from '../dist/src/config/app-config.js';
import { SlaMonitorService } from '../dist/src/modules/sla/sla-monitor.service.js';
import { SlaRepository } from '../dist/src/modules/sla/sla.repository.js';
import { freshDatabase } from './lib/harness.js';

const SIZES = (process.env.BENCH_SLA_SIZES ?? '100000,1000000,3000000').split(',').map(Number);
const DUE = Number(process.env.BENCH_SLA_DUE ?? 10_000);
const log = (line) => console.log(`[bench:sla] ${line}`);

/**
 * `size` tickets: 90% resolved or closed, long past; 10% open, of which `DUE` have an FRT deadline
 * in the next hour (warnings) and the rest deadlines days ahead.
 */
async function seed(url, size) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const started = Date.now();
  await db.query(`INSERT INTO users (email, name, role) SELECT 'sla-client-' || g || '@example.test', 'Client ' || g, 'client' FROM generate_series(1, 1000) g`);
  const open = Math.floor(size / 10);
  await db.query(
    `INSERT INTO tickets (title, description, status, priority, client_id, frt_deadline, ttr_deadline,
       first_response_at, resolved_at, closed_at, created_at, updated_at)
     SELECT 'Ticket ' || g, 'Seeded for the SLA benchmark', s.status, 'medium', (SELECT min(id) FROM users) + g % 1000,
       CASE WHEN s.status = 'open' AND g <= $2 THEN now() + (g % 60) * interval '1 minute' ELSE now() + interval '3 days' END,
       now() + interval '5 days',
       CASE WHEN s.status = 'open' THEN NULL ELSE now() - interval '20 days' END,
       CASE WHEN s.status = 'open' THEN NULL ELSE now() - interval '15 days' END,
       CASE WHEN s.status = 'closed' THEN now() - interval '10 days' END,
       now() - interval '1 hour', now() - interval '1 hour'
     FROM generate_series(1, $1) g
     CROSS JOIN LATERAL (SELECT CASE WHEN g <= $3 THEN 'open' WHEN g % 2 = 0 THEN 'resolved' ELSE 'closed' END AS status) s`,
    [size, DUE, open],
  );
  await db.query('ANALYZE tickets');
  await db.end();
  log(`seeded ${size.toLocaleString('en')} tickets (${open.toLocaleString('en')} open, ${DUE.toLocaleString('en')} due) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function measure(size) {
  const database = await freshDatabase(`bench_sla_${size}`);
  try {
    await seed(database.url, size);
    const config = { ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CRON_ENABLED: 'false', JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256' }), databaseUrl: database.url };
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    try {
      const monitor = app.get(SlaMonitorService);
      const now = new Date();
      const plan = await planOf(database.url, now, config.slaWarningMinutes);
      let started = performance.now();
      const first = await monitor.run(now);
      const firstMs = performance.now() - started;
      started = performance.now();
      const again = await monitor.run(now);
      const againMs = performance.now() - started;
      return { size, first, firstMs, again, againMs, plan };
    } finally {
      await app.close();
    }
  } finally {
    await database.cleanup();
  }
}

/** EXPLAIN (ANALYZE) of the FRT candidate query, as the job sends it. */
async function planOf(url, now, warningMinutes) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const captured = [];
    const repo = new SlaRepository({ query: (sql, params) => (captured.push([sql, params]), Promise.resolve([])) });
    await repo.findDue('frt', now, new Date(now.getTime() + warningMinutes * 60_000), null, 500);
    const [sql, params] = captured[0];
    const { rows } = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await db.end();
  }
}

const results = [];
for (const size of SIZES) results.push(await measure(size));
for (const r of results) log(`plan of the FRT candidate query at ${r.size.toLocaleString('en')} tickets:\n${r.plan}`);
const markdown = (rows) => rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
console.log(
  markdown([
    ['tickets', 'due', 'first run', 'events recorded', 're-run', 'events recorded'],
    ...results.map((r) => [
      r.size.toLocaleString('en'),
      DUE.toLocaleString('en'),
      `${(r.firstMs / 1000).toFixed(2)} s`,
      String(r.first.warnings + r.first.breaches),
      `${(r.againMs / 1000).toFixed(2)} s`,
      String(r.again.warnings + r.again.breaches),
    ]),
  ]),
);
process.exit(0);

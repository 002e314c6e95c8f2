// Shared plumbing for the benchmarks: a PostgreSQL (embedded, or BENCH_DATABASE_URL), a fresh
// migrated database, child processes with CPU accounting, and autocannon runs.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { runMigrations } from '../../dist/src/database/data-source.js';
import { findFreePort, startEmbeddedPostgres } from '../../dist/src/database/embedded-postgres.js';

export { findFreePort };

/**
 * The Node flags `npm start` and the Dockerfile run the service with (test/deploy-files.spec.ts
 * checks all three agree): a larger young generation, so short-lived request garbage is collected
 * less often (about 10% of a request's CPU went to the collector with the default 16 MB). 32 MB
 * costs no more CPU per create or list than 64 MB (bench/cpu-per-request.js: 1,356 / 1,002 µs
 * against 1,378 / 1,106 µs) and keeps the peak memory of a mail burst under 300 MB (bench:email:
 * 291 against 348 MB), since the young generation grows to twice this size under load.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];
const SERVICE_ENTRY = 'dist/src/main.js';

/**
 * A fresh, migrated database; `cleanup()` drops it (and stops an embedded server). `postgresFlags`
 * are added to the embedded server's (ignored with BENCH_DATABASE_URL).
 */
export async function freshDatabase(name, { postgresFlags = [] } = {}) {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let embedded = null;
  let dir = null;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(tmpdir(), 'support-bench-'));
    await chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres({
      dir: path.join(dir, 'pg'),
      port: 0,
      database: 'postgres',
      persistent: false,
      // Durable settings, as in production: the benchmark must not flatter writes.
      postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB', ...postgresFlags],
    });
    adminUrl = embedded.url;
  }
  // The postmaster's pid (first line of postmaster.pid), so a bench can count PostgreSQL's CPU too.
  const postgresPid = dir ? Number((await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]) : null;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    postgresPid,
    cleanup: async () => {
      if (embedded) {
        await embedded.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Starts a Node process and waits until `healthUrl` answers 200. With BENCH_CPU_PROF=<dir> every
 * process started here writes a V8 CPU profile into that folder when it exits. The service runs with
 * SERVICE_NODE_FLAGS, anything else with none unless `nodeFlags` says.
 */
export async function startProcess(label, script, env, healthUrl, { nodeFlags } = {}) {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
  const flags = nodeFlags ?? (script === SERVICE_ENTRY ? SERVICE_NODE_FLAGS : []);
  const child = spawn(process.execPath, [...flags, ...profile, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited:\n${output}`);
    try {
      if ((await fetch(healthUrl)).ok) return { child, startedAt: Date.now(), output: () => output, stop: () => stopChild(child) };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${label} did not become healthy:\n${output}`);
}

/**
 * Waits until the service has run BENCH_SETTLE_SECONDS (default 62). In its first 60 s an instance
 * sends every Socket.IO broadcast (ticket:created, message:new) through the cross-instance adapter
 * (a NOTIFY with the PostgreSQL adapter), as it always does while it knows of a peer; after that a
 * lone instance keeps them local. BENCH_SETTLE_SECONDS=0 measures the first mode.
 */
export async function settle(started, log) {
  const seconds = Number(process.env.BENCH_SETTLE_SECONDS ?? 62);
  const wait = seconds * 1000 - (Date.now() - started.startedAt);
  if (wait <= 0) return;
  log(`waiting ${Math.round(wait / 1000)} s for the service to settle as a lone instance (BENCH_SETTLE_SECONDS=${seconds})`);
  await new Promise((resolve) => setTimeout(resolve, wait));
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export async function cpuSeconds(pid) {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

/**
 * CPU seconds a process and its children have used so far: the live children's, and what the
 * children that ended left in the parent's cutime/cstime. For the embedded PostgreSQL's postmaster
 * this is the whole server: backends, WAL writer, checkpointer.
 */
export async function treeCpuSeconds(pid) {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  let total = (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / 100;
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
  for (const child of children ? children.split(' ') : []) total += await cpuSeconds(Number(child)).catch(() => 0);
  return total;
}

/** Resident memory of a process in MB, from /proc. */
export async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/** Samples a process's RSS every 20 ms until stopped; returns the peak in MB. */
export function sampleRss(pid) {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peak = Math.max(peak, await rssMb(pid).catch(() => 0));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return peak;
  };
}

/** The p-th percentile of an ascending list (null when empty). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One autocannon run; returns the figures we report. */
export async function load({ url, method = 'GET', headers = {}, body, connections = 50, duration = 15, pid }) {
  const cpuBefore = pid ? await cpuSeconds(pid) : 0;
  const result = await autocannon({ url, method, headers, body, connections, duration });
  const cpu = pid ? (await cpuSeconds(pid)) - cpuBefore : null;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    cpuPercent: cpu === null ? null : Math.round((cpu / duration) * 100),
  };
}

export function table(rows) {
  const header = ['run', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'server CPU %'];
  const lines = [header, ...rows.map((r) => [r.name, r.rps.toFixed(0), r.p50, r.p99, r.errors, r.non2xx, r.cpuPercent ?? '-'])];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/** Runs a benchmark's `main`: a failure is printed and the process exits non-zero. */
export function runBench(main) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/** Stops what a benchmark started (service, baseline), then drops its database. */
export async function tearDown(database, ...processes) {
  for (const child of processes) await child.stop();
  await database.cleanup();
}

// Attachment uploads: 200 files of 1 MB sent by 10 concurrent clients to POST
// /api/v1/messages/:id/attachments (multer and its storage engine), against `cp` of the same files
// on the same disk and against a bare busboy-to-disk server (bench/baseline/upload-server.js, the
// parser multer runs underneath); and the service's resident memory while uploading, against its
// idle memory. Run: npm run bench:attachments
// Options (env): BENCH_FILES (200), BENCH_FILE_MB (1), BENCH_CONCURRENCY (10), BENCH_DATABASE_URL.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { cpuSeconds, findFreePort, freshDatabase, rssMb, sampleRss, startProcess, runBench, tearDown } from './lib/harness.js';

const FILES = Number(process.env.BENCH_FILES ?? 200);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const WARM_UP = 5;
const WORK = resolve('.data/bench-attachments'); // on the same disk as the service's uploads
const log = (...args) => console.log(...args);

async function json(url, options) {
  const res = await fetch(url, { ...options, headers: { 'Content-Type': 'application/json', ...(options?.headers ?? {}) } });
  if (!res.ok) throw new Error(`${options?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Streams one file from disk as multipart/form-data, as a browser or curl -F would. */
function upload(agent, url, token, path, size) {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': head.length + size + tail.length,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 201 ? resolvePromise(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path);
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

async function main() {
  await rm(WORK, { recursive: true, force: true });
  const sources = join(WORK, 'sources');
  const uploads = join(WORK, 'uploads');
  await mkdir(sources, { recursive: true });
  const size = FILE_MB * 1024 * 1024;
  const paths = [];
  const hashes = [];
  for (let i = 0; i < FILES; i += 1) {
    const bytes = randomBytes(size);
    const path = join(sources, `file-${i}.bin`);
    await writeFile(path, bytes);
    paths.push(path);
    hashes.push(createHash('sha256').update(bytes).digest('hex'));
  }
  execFileSync('sync');

  const database = await freshDatabase('bench_attachments');
  const port = await findFreePort();
  const app = await startProcess(
    'service',
    'dist/src/main.js',
    {
      DATABASE_URL: database.url,
      PORT: String(port),
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
      LOG_LEVEL: 'warn',
      CRON_ENABLED: 'false',
      // Limits are still counted, but never reached.
      RATE_LIMIT_WRITES_PER_MINUTE: '10000000',
      RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '10000000',
      SIGNUP_PER_HOUR_PER_IP: '10000000',
      LOGIN_PER_MINUTE_PER_IP: '10000000',
      UPLOAD_DIR: uploads,
      UPLOAD_MAX_FILES: String(FILES + WARM_UP),
      ADMIN_EMAIL: 'bench-admin@example.test',
      ADMIN_PASSWORD: 'bench-admin-password',
    },
    `http://127.0.0.1:${port}/health`,
  );
  try {
    const api = `http://127.0.0.1:${port}/api/v1`;
    const customer = await json(`${api}/auth/signup`, { method: 'POST', body: JSON.stringify({ email: 'bench-files@example.test', password: 'bench-customer-password', name: 'Bench' }) });
    const ticket = await json(`${api}/tickets`, { method: 'POST', headers: { Authorization: `Bearer ${customer.access_token}` }, body: JSON.stringify({ title: 'Files', description: 'Bench ticket with files' }) });
    const message = await json(`${api}/tickets/${ticket.id}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${customer.access_token}` }, body: JSON.stringify({ content: 'Attached' }) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const url = `${api}/messages/${message.id}/attachments`;
    /** Sends every file with CONCURRENCY clients; returns the answers in order and the seconds taken. */
    const sendAll = async (target, token) => {
      let next = 0;
      const answers = new Array(FILES);
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < FILES) {
            const index = next++;
            answers[index] = await upload(agent, target, token, paths[index], size);
          }
        }),
      );
      return { answers, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    };

    // Warm-up: a few uploads so the JIT and the pools are ready; then idle memory after a pause.
    for (let i = 0; i < WARM_UP; i += 1) await upload(agent, url, customer.access_token, paths[i], size);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = await rssMb(app.child.pid);

    const stopSampling = sampleRss(app.child.pid);
    const cpuBefore = await cpuSeconds(app.child.pid);
    const { answers: results, seconds } = await sendAll(url, customer.access_token);
    const cpuPercent = (100 * ((await cpuSeconds(app.child.pid)) - cpuBefore)) / seconds;
    const peakRss = await stopSampling();

    const basePort = await findFreePort();
    const baseline = await startProcess('baseline', 'bench/baseline/upload-server.js', { PORT: String(basePort), BASELINE_UPLOAD_DIR: join(WORK, 'baseline') }, `http://127.0.0.1:${basePort}/health`);
    let baseSeconds;
    try {
      for (let i = 0; i < WARM_UP; i += 1) await upload(agent, `http://127.0.0.1:${basePort}/upload`, 'none', paths[i], size);
      baseSeconds = (await sendAll(`http://127.0.0.1:${basePort}/upload`, 'none')).seconds;
    } finally {
      await baseline.stop();
    }
    agent.destroy();

    const wrongHashes = results.filter((r, i) => r.sha256 !== hashes[i] || r.size !== size).length;
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const stored = Number((await db.query('SELECT count(*) AS n FROM attachments WHERE message_id = $1', [message.id])).rows[0].n) - WARM_UP;
    await db.end();

    // The same files copied on the same disk: cp alone (page cache), and cp followed by sync
    // (the service flushes every file to disk before it answers).
    const copy = (withSync) => {
      const target = join(WORK, `cp-${withSync ? 'sync' : 'plain'}`);
      execFileSync('rm', ['-rf', target]);
      execFileSync('sync');
      const t0 = process.hrtime.bigint();
      execFileSync('cp', ['-r', sources, target]);
      if (withSync) execFileSync('sync');
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const cpSeconds = copy(false);
    const cpSyncSeconds = copy(true);

    const totalMb = (FILES * size) / (1024 * 1024);
    const mbps = (s) => (totalMb / s).toFixed(1);
    log(`\n${FILES} files of ${FILE_MB} MB, ${CONCURRENCY} concurrent clients\n`);
    log('| run | seconds | MB/s | ratio to cp |');
    log('|---|---|---|---|');
    log(`| service upload (stored: ${stored}, wrong hashes: ${wrongHashes}) | ${seconds.toFixed(2)} | ${mbps(seconds)} | ${(cpSeconds / seconds).toFixed(2)} |`);
    log(`| baseline: bare busboy to disk | ${baseSeconds.toFixed(2)} | ${mbps(baseSeconds)} | ${(cpSeconds / baseSeconds).toFixed(2)} |`);
    log(`| cp -r | ${cpSeconds.toFixed(2)} | ${mbps(cpSeconds)} | 1.00 |`);
    log(`| cp -r && sync | ${cpSyncSeconds.toFixed(2)} | ${mbps(cpSyncSeconds)} | ${(cpSeconds / cpSyncSeconds).toFixed(2)} |`);
    log(`\nservice CPU while uploading: ${cpuPercent.toFixed(0)}% of one core`);
    log(`service RSS: idle ${idleRss.toFixed(0)} MB, peak while uploading ${peakRss.toFixed(0)} MB (+${(peakRss - idleRss).toFixed(0)} MB; target +100 MB at most)`);
    log(`throughput: ${((100 * cpSeconds) / seconds).toFixed(0)}% of cp (target at least 50%), ${((100 * baseSeconds) / seconds).toFixed(0)}% of the bare server`);
  } finally {
    await tearDown(database, app);
    await rm(WORK, { recursive: true, force: true });
  }
}

runBench(main);

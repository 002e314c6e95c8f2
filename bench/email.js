// The e-mail channel end to end: BENCH_EMAIL_MAILS (2,000) mails, a tenth with a 200 KB attachment,
// are APPENDed to a real IMAP server on loopback (Dovecot, as in the tests); then the service starts
// with IMAP_SINCE set to today, so its first poll takes them all, and we time until every mail is a
// ticket, sampling the service's resident memory. Target: at least 100 mails/s, RSS under 300 MB.
// Run: npm run bench:email (compiles the tests too: it starts the tests' IMAP server)   Options (env): BENCH_EMAIL_MAILS, BENCH_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import pg from 'pg';
import { IMAP_USER, TestImapServer } from '../dist/test/utils/imap-server.js';
import { findFreePort, freshDatabase, rssMb, runBench, sampleRss, startProcess, tearDown } from './lib/harness.js';

const MAILS = Number(process.env.BENCH_EMAIL_MAILS ?? 2000);
const WITH_FILE_EVERY = 10;
const FILE_BYTES = 200 * 1024;
const UPLOADS = resolve('.data/bench-email-uploads');
const log = (...args) => console.log('[bench:email]', ...args);

function compose(i) {
  const attachments = i % WITH_FILE_EVERY === 0 ? [{ filename: `scan-${i}.bin`, content: randomBytes(FILE_BYTES) }] : [];
  return new MailComposer({
    from: `Customer ${i} <customer-${i % 500}@bench.example.test>`,
    to: IMAP_USER,
    subject: `Order ${i} has not arrived`,
    text: `Hello,\n\nmy order ${i} has not arrived yet. Could you check where it is?\n\nThanks`,
    messageId: `<bench-${i}-${randomBytes(6).toString('hex')}@bench.example.test>`,
    date: new Date(),
    attachments,
  })
    .compile()
    .build();
}

async function main() {
  const database = await freshDatabase('bench_email');
  const imap = await TestImapServer.start();
  await rm(UPLOADS, { recursive: true, force: true });
  let app = null;
  try {
    const mails = await Promise.all(Array.from({ length: MAILS }, (_, i) => compose(i)));
    const bytes = mails.reduce((sum, m) => sum + m.length, 0);
    let started = performance.now();
    for (const raw of mails) await imap.append(raw);
    log(`appended ${MAILS} mails (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const port = await findFreePort();
    app = await startProcess(
      'service',
      'dist/src/main.js',
      {
        ...imap.env({ IMAP_SINCE: new Date().toISOString().slice(0, 10), IMAP_POLL_SECONDS: '1' }),
        DATABASE_URL: database.url,
        PORT: String(port),
        NODE_ENV: 'production',
        JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
        LOG_LEVEL: 'warn',
        CRON_ENABLED: 'true',
        UPLOAD_DIR: UPLOADS,
      },
      `http://127.0.0.1:${port}/health`,
    );
    // The clock runs from the moment the service answers; its first poll starts then.
    started = performance.now();
    const idle = await rssMb(app.child.pid);
    const peakRss = sampleRss(app.child.pid);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    let count = 0;
    while (count < MAILS) {
      count = Number((await db.query('SELECT count(*) FROM tickets')).rows[0].count);
      if (performance.now() - started > 300_000) throw new Error(`only ${count} of ${MAILS} mails became tickets in 5 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = await peakRss();
    const files = Number((await db.query('SELECT count(*) FROM attachments')).rows[0].count);
    const dupes = Number((await db.query('SELECT count(*) - count(DISTINCT title) AS d FROM tickets')).rows[0].d);
    await db.end();
    log(`${count} tickets (${files} attachments, ${dupes} duplicated) in ${seconds.toFixed(1)} s from the service's start (ready, first poll due)`);
    console.log(
      [
        '| mails | with 200 KB file | seconds (service ready to last ticket) | mails/s | idle RSS MB | peak RSS MB |',
        '|---|---|---|---|---|---|',
        `| ${MAILS} | ${MAILS / WITH_FILE_EVERY} | ${seconds.toFixed(1)} | ${(MAILS / seconds).toFixed(0)} | ${idle.toFixed(0)} | ${peak.toFixed(0)} |`,
      ].join('\n'),
    );
  } finally {
    await tearDown(database, ...(app ? [app] : []));
    await imap.stop();
    await rm(UPLOADS, { recursive: true, force: true });
  }
}

runBench(main);

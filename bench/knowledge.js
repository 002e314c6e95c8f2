// Knowledge-base search: GET /api/v1/articles?q= (anonymous, published articles) with 20
// concurrent clients, typo queries included, at 10,000 and at 100,000 articles (generated text,
// half English, half Russian), beside a bare node:http + pg server running the same SQL
// (baseline/knowledge-server.js). Targets (issue 14): p95 under 30 ms, at least 500 searches/s.
// Run: npm run bench:knowledge
// Options (env): BENCH_DURATION (seconds per run, default 15), BENCH_CONNECTIONS (default 20),
// BENCH_SIZES (default 10000,100000), BENCH_DATABASE_URL (a server to use instead of an embedded one).
import { execSync } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds, findFreePort, freshDatabase, percentile, runBench, startProcess, tearDown } from './lib/harness.js';

const duration = Number(process.env.BENCH_DURATION ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const log = (...args) => console.log(...args);

// Words support articles use, most common first (the generator draws early words more often).
const EN = `account password reset login sign email invoice payment refund order delivery shipping address card billing subscription
plan upgrade cancel change update profile settings security verification code phone number app install error problem issue
help support contact ticket status tracking parcel return exchange warranty product price discount coupon voucher receipt
download upload file attachment export import report notification message chat agent customer team admin permission access
browser mobile desktop android iphone network connection timeout server data backup restore delete remove create open close
confirm link expire session device language region currency tax company integration webhook token limit quota storage`.split(/\s+/);
const RU = `аккаунт пароль сброс вход почта счёт оплата возврат заказ доставка адрес карта подписка тариф отмена изменение профиль
настройки безопасность код телефон номер приложение установка ошибка проблема помощь поддержка обращение статус посылка обмен
гарантия товар цена скидка купон чек файл вложение отчёт уведомление сообщение оператор клиент команда доступ браузер сеть
соединение сервер данные копия удаление создание ссылка сессия устройство язык валюта налог компания интеграция лимит хранилище`.split(/\s+/);
const EN_SYLLABLES = 'ka ro mi ne tu sa lo vi pe da ri mo ba te lu gi fo ze ha ny'.split(' ');
const RU_SYLLABLES = 'ка ро ми не ту са ло ви пе да ри мо ба те лу ги фо зе ха ны'.split(' ');

/** A vocabulary: the real words first, then made-up words, 8,000 in all. */
function vocabulary(real, syllables) {
  const words = [...real];
  for (let i = 0; words.length < 8000; i++) {
    const n = 2 + (i % 3);
    let word = '';
    for (let j = 0, x = i * 7919 + 13; j < n; j++, x = Math.floor(x / syllables.length) + j * 31) word += syllables[x % syllables.length];
    if (!words.includes(word)) words.push(word);
  }
  return words;
}

/** Inserts `count` generated articles (half each language) in one statement: titles 4-8 words, text 60-120, 2 tags. */
async function seed(db, count, vocab) {
  const started = Date.now();
  await db.query(
    `INSERT INTO articles (title, content, tags, published, locale, created_at, updated_at)
     SELECT initcap(w.title), w.content, w.tags, g % 10 <> 0, l.locale, now() - g * interval '1 minute', now()
       FROM generate_series(1, $1::int) g
      CROSS JOIN LATERAL (SELECT CASE WHEN g % 2 = 0 THEN 'ru' ELSE 'en' END AS locale) l
      CROSS JOIN LATERAL (SELECT CASE WHEN l.locale = 'ru' THEN $3::text[] ELSE $2::text[] END AS v) voc
      CROSS JOIN LATERAL (
        SELECT (SELECT string_agg(voc.v[i * 0 + 1 + floor(power(random(), 3) * array_length(voc.v, 1))::int], ' ') FROM generate_series(1, 4 + g % 5) i) AS title,
               (SELECT string_agg(voc.v[i * 0 + 1 + floor(power(random(), 2) * array_length(voc.v, 1))::int], ' ') FROM generate_series(1, 60 + g % 61) i) AS content,
               ARRAY[voc.v[1 + (g * 7) % 100], voc.v[1 + (g * 13) % 100]] AS tags) w`,
    [count, vocab.en, vocab.ru],
  );
  // As autovacuum would soon after: the visibility map set, the trigram indexes' pending lists merged.
  await db.query('VACUUM ANALYZE articles');
  await db.query('VACUUM ANALYZE article_words');
  log(`seeded ${count.toLocaleString('en')} articles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Drops, swaps or doubles a letter in the middle of the word: a typo. */
function typo(word, i) {
  const at = 1 + (i % Math.max(1, word.length - 2));
  if (i % 3 === 0) return word.slice(0, at) + word.slice(at + 1);
  if (i % 3 === 1) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  return word.slice(0, at) + word[at] + word.slice(at);
}

/** 200 queries: pairs and single words of both languages, every fourth with a typo in one word. */
function queries() {
  const list = [];
  for (let i = 0; list.length < 200; i++) {
    const words = i % 2 === 0 ? EN : RU;
    const a = words[(i * 7) % 60];
    const b = words[(i * 11 + 3) % words.length];
    let q = i % 5 === 4 ? a : `${a} ${b}`;
    if (i % 4 === 3) q = `${typo(a, i)}${i % 5 === 4 ? '' : ` ${b}`}`;
    list.push(q);
  }
  return list;
}

/** One autocannon run cycling through the queries; p95 from every response's latency. */
async function run(name, base, pid, list) {
  let next = 0;
  const options = {
    url: base,
    connections,
    requests: [{ setupRequest: (req) => ({ ...req, path: `${req.path}?q=${encodeURIComponent(list[next++ % list.length])}&limit=10` }) }],
  };
  await autocannon({ ...options, duration: 3 }); // warm-up
  const latencies = [];
  const cpuBefore = await cpuSeconds(pid);
  const instance = autocannon({ ...options, duration });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  const cpu = ((await cpuSeconds(pid)) - cpuBefore) / duration;
  latencies.sort((x, y) => x - y);
  const row = {
    name,
    rps: result.requests.average,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpu: Math.round(cpu * 100),
  };
  log(`${name}: ${row.rps.toFixed(0)} searches/s, p95 ${fmt(row.p95)} ms`);
  return row;
}

const fmt = (n) => (Number.isFinite(n) ? n.toFixed(1) : '-');

async function main() {
  log(`load before: ${execSync('uptime').toString().trim()}`);
  const database = await freshDatabase('bench_knowledge');
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const vocab = { en: vocabulary(EN, EN_SYLLABLES), ru: vocabulary(RU, RU_SYLLABLES) };
  const appPort = await findFreePort();
  const basePort = await findFreePort();
  const app = await startProcess(
    'service',
    'dist/src/main.js',
    { DATABASE_URL: database.url, PORT: String(appPort), NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'warn', CRON_ENABLED: 'false' },
    `http://127.0.0.1:${appPort}/health`,
  );
  const baseline = await startProcess('baseline', 'bench/baseline/knowledge-server.js', { DATABASE_URL: database.url, PORT: String(basePort) }, `http://127.0.0.1:${basePort}/health`);
  const rows = [];
  try {
    const list = queries();
    let seeded = 0;
    for (const size of sizes) {
      await seed(db, size - seeded, vocab);
      seeded = size;
      const sample = await (await fetch(`http://127.0.0.1:${appPort}/api/v1/articles?q=${encodeURIComponent(list[3])}&limit=3`)).json();
      log(`"${list[3]}" (a typo) finds: ${sample.items.map((a) => a.title).join(' | ')}`);
      rows.push({ size, ...(await run(`${size.toLocaleString('en')} articles: baseline`, `http://127.0.0.1:${basePort}/articles`, baseline.child.pid, list)) });
      rows.push({ size, ...(await run(`${size.toLocaleString('en')} articles: service`, `http://127.0.0.1:${appPort}/api/v1/articles`, app.child.pid, list)) });
    }
  } finally {
    await db.end();
    await tearDown(database, app, baseline);
  }
  log(`\n${connections} connections, ${duration} s per run after a 3 s warm-up, ${queries().length} queries in turn (a quarter with a typo), limit=10`);
  log(`load after: ${execSync('uptime').toString().trim()}\n`);
  log('| run | searches/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | server CPU % |');
  log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) log(`| ${r.name} | ${r.rps.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.errors} | ${r.non2xx} | ${r.cpu} |`);
  const service = rows.filter((r) => r.name.endsWith('service'));
  const last = service[service.length - 1];
  log(`\ntargets at ${last.size.toLocaleString('en')} articles: p95 ${fmt(last.p95)} ms (< 30), ${last.rps.toFixed(0)} searches/s (>= 500)`);
}

runBench(main);

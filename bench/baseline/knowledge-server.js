// The baseline for bench/knowledge.js: a bare node:http + pg server answering GET /articles?q=
// with the same statements as GET /api/v1/articles?q= (imported from the built service:
// knowledge.sql.js) and the same steps (the words as typed; when they find nothing, the closest
// known words; then similar titles), the same snippet rendering, and nothing else: no framework,
// no auth, no validation, no logging.
import { createServer } from 'node:http';
import pg from 'pg';
import { CLOSEST_WORDS_SQL, searchSql, searchTitlesSql } from '../../dist/src/modules/knowledge/knowledge.sql.js';
import { WORD_SIMILARITY_MIN } from '../../dist/src/modules/knowledge/domain/article-rules.js';
import { correctableWords, parseSearchQuery, queryText } from '../../dist/src/modules/knowledge/domain/search-query.js';
import { renderSnippet } from '../../dist/src/modules/knowledge/domain/snippet.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const SEARCH = searchSql(false);
const TITLES = searchTitlesSql(false);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const item = (r) => ({ id: r.id, title: r.title, content: r.content, tags: r.tags, locale: r.locale, snippet: renderSnippet(r.headline) });

async function search(q, limit) {
  const tokens = parseSearchQuery(q);
  let { rows } = await pool.query({ name: 'search', text: SEARCH, values: [queryText(tokens), null, null, limit + 1] });
  if (rows.length === 0) {
    const words = correctableWords(tokens);
    const corrections = words.length ? (await pool.query({ name: 'words', text: CLOSEST_WORDS_SQL, values: [words, WORD_SIMILARITY_MIN] })).rows : [];
    if (corrections.length) {
      const map = new Map(corrections.map((r) => [r.input, r.word]));
      rows = (await pool.query({ name: 'search', text: SEARCH, values: [queryText(tokens, map), null, null, limit + 1] })).rows;
    }
    if (rows.length === 0) rows = (await pool.query({ name: 'titles', text: TITLES, values: [q, limit] })).rows;
  }
  return { items: rows.slice(0, limit).map(item), next_cursor: rows.length > limit ? 'more' : null };
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/articles') {
      return send(res, 200, await search(url.searchParams.get('q') ?? '', Number(url.searchParams.get('limit') ?? 20)));
    }
    send(res, 404, { error: 'not_found' });
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
});

server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

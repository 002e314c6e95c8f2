import { HIGHLIGHT_START, HIGHLIGHT_STOP } from '#src/modules/knowledge/domain/snippet.js';

/**
 * The search statements of KnowledgeRepository, in a file of their own so that the benchmark's
 * bare baseline (bench/baseline/knowledge-server.js) runs exactly the same SQL.
 */
/** An article's columns; `views` is where its view count comes from (article_stats `s` by default). */
export const columns = (views = 'coalesce(s.views, 0)') => `a.id, a.title, a.content, a.media_links, a.tags, a.published, a.locale, a.author_id, u.name AS author_name,
  a.created_at, a.updated_at, ${views}::float8 AS views, fb.helpful, fb.not_helpful`;
export const COLUMNS = columns();
/** The votes on article `a`, as `fb.helpful` and `fb.not_helpful`. */
export const VOTES = `CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE f.helpful)::int AS helpful, count(*) FILTER (WHERE NOT f.helpful)::int AS not_helpful
                        FROM article_feedback f WHERE f.article_id = a.id) fb`;
export const JOINS = `LEFT JOIN users u ON u.id = a.author_id
  LEFT JOIN article_stats s ON s.article_id = a.id
  ${VOTES}`;

/**
 * The query text ($1) as a tsquery in each configuration, computed once (a CTE referenced more than
 * once is materialised, so the planner cannot see the query and plans the index scans below for
 * any query alike: it never swaps them for a sequential scan that tests every article's vector).
 */
const QUERIES = `q AS (SELECT websearch_to_tsquery('pg_catalog.english', kb_fold($1)) AS en, websearch_to_tsquery('pg_catalog.russian', kb_fold($1)) AS ru)`;
export const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** Drafts too (agents), or published articles only. */
export const visibility = (drafts: boolean) => (drafts ? 'true' : 'a.published');

/**
 * How many articles of each locale one search ranks at most: up to TITLE_CANDIDATES whose title
 * matches and up to TEXT_CANDIDATES whose text matches, each taken as the GIN index's bitmap
 * yields them (table order) without sorting. Ranking reads each candidate's whole vector, and
 * even fetching every match to sort it costs a heap read per match: a query that matches tens of
 * thousands of articles would read each. With the cap a search ranks at most 500 articles, and an
 * article whose title matches is among the candidates unless more than TITLE_CANDIDATES titles of
 * its locale match. Below the caps the ranking is exact; above them it ranks a sample, which is
 * the price of a flat p95.
 *
 * The text candidates are looked for only while the titles of a locale give fewer than
 * TITLE_CANDIDATES: the bitmap of a text match costs time in proportion to the articles whose text
 * holds every word (tens of thousands for common words, about 4 ms of a 100k-article search), and
 * when TITLE_CANDIDATES titles already match, the query is broad and its sample of title matches is
 * what the reader wants first. A query with fewer title matches is ranked over both, as before.
 */
export const TITLE_CANDIDATES = 100;
export const TEXT_CANDIDATES = 150;

/**
 * One locale's candidates, ranked: articles of that locale whose `vector` matches the query in the
 * locale's configuration. `locale <> 'ru'` / `locale = 'ru'` are the predicates of the partial GIN
 * indexes (migration KnowledgeSearchByLocale), so each branch reads only its own locale's index:
 * a Russian word never walks the English articles' postings, nor the other way round. `when` is a
 * condition on the CTEs only; PostgreSQL tests it once, before the scan, and skips the scan when false.
 */
const candidates = (vector: 'title_vector' | 'search_vector', locale: 'en' | 'ru', limit: number, drafts: boolean, when = 'true') =>
  `SELECT a.id, ts_rank_cd(a.search_vector, q.${locale}, 1) AS rank
      FROM articles a, q
     WHERE a.${vector} @@ q.${locale} AND a.locale ${locale === 'ru' ? "= 'ru'" : "<> 'ru'"} AND ${visibility(drafts)} AND ${when}
     LIMIT ${limit}`;

/** The text candidates of a locale, looked for only while its title candidates are fewer than the cap. */
const textCandidates = (locale: 'en' | 'ru', drafts: boolean) =>
  candidates('search_vector', locale, TEXT_CANDIDATES, drafts, `(SELECT count(*) FROM titles_${locale}) < ${TITLE_CANDIDATES}`);

/** $1 query text (websearch syntax), $2/$3 keyset after (rank, id) or nulls, $4 limit. */
export const searchSql = (drafts: boolean) =>
  `WITH ${QUERIES},
        titles_en AS (${candidates('title_vector', 'en', TITLE_CANDIDATES, drafts)}),
        titles_ru AS (${candidates('title_vector', 'ru', TITLE_CANDIDATES, drafts)})
   SELECT ${COLUMNS}, h.rank,
          ts_headline(kb_ts_config(a.locale), a.content, CASE WHEN a.locale = 'ru' THEN q.ru ELSE q.en END, '${HEADLINE_OPTIONS}') AS headline
     FROM (SELECT id, rank
             FROM (SELECT id, rank FROM titles_en
                   UNION SELECT id, rank FROM titles_ru
                   UNION (${textCandidates('en', drafts)})
                   UNION (${textCandidates('ru', drafts)})) ranked
            WHERE $2::real IS NULL OR rank < $2::real OR (rank = $2::real AND id < $3::int)
            ORDER BY rank DESC, id DESC
            LIMIT $4) h
     JOIN articles a ON a.id = h.id
     CROSS JOIN q
     ${JOINS}
    ORDER BY h.rank DESC, h.id DESC`;

/** $1 query text, $2 limit. */
export const searchTitlesSql = (drafts: boolean) =>
  `SELECT ${COLUMNS}, h.rank, left(a.content, 240) AS headline
         FROM (SELECT a.id, word_similarity(kb_fold($1), kb_fold(a.title))::real AS rank
                 FROM articles a
                WHERE kb_fold($1) <% kb_fold(a.title) AND ${visibility(drafts)}
                ORDER BY rank DESC, a.id DESC
                LIMIT $2) h
         JOIN articles a ON a.id = h.id
         ${JOINS}
        ORDER BY h.rank DESC, h.id DESC`;

/** $1 words, $2 minimum similarity. */
export const CLOSEST_WORDS_SQL = `SELECT w.input, near.word
         FROM unnest($1::text[]) AS w (input)
         CROSS JOIN LATERAL (SELECT kb_fold(w.input) AS folded) f
         CROSS JOIN LATERAL (SELECT word FROM article_words
                              WHERE word % f.folded AND similarity(word, f.folded) >= $2::real
                              ORDER BY similarity(word, f.folded) DESC, word
                              LIMIT 1) near
        WHERE NOT EXISTS (SELECT 1 FROM article_words known WHERE known.word = f.folded)`;

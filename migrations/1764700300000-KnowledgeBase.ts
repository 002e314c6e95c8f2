import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge base: articles with a stored, weighted tsvector (title A, tags B, content C) in the
 * text search configuration of the article's locale (`russian` for ru, `english` otherwise), with
 * case and accents folded by unaccent through an IMMUTABLE wrapper, so that the column can be
 * generated and GIN-indexed. Typos: a trigram index on titles and on `article_words`, the words
 * of all articles (a statement trigger adds the words of every inserted or changed article).
 * Views live in `article_stats`, so that counting one never rewrites the article's row (and its
 * tsvector); votes in `article_feedback`, one per user and article.
 */
export class KnowledgeBase1764700300000 implements MigrationInterface {
  name = 'KnowledgeBase1764700300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent(text) is only STABLE (it looks its dictionary up by name): naming the dictionary
    // and the schema makes the result depend on the argument alone, so IMMUTABLE is honest.
    await q.query(`
      CREATE FUNCTION kb_fold(input text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN lower(public.unaccent('public.unaccent'::regdictionary, input))`);
    await q.query(`
      CREATE FUNCTION kb_ts_config(locale text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN CASE WHEN locale = 'ru' THEN 'pg_catalog.russian'::regconfig ELSE 'pg_catalog.english'::regconfig END`);
    await q.query(`
      CREATE FUNCTION kb_search_vector(locale text, title text, tags text[], content text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN setweight(to_tsvector(kb_ts_config(locale), kb_fold(title)), 'A')
            || setweight(to_tsvector(kb_ts_config(locale), kb_fold(coalesce(array_to_string(tags, ' '), ''))), 'B')
            || setweight(to_tsvector(kb_ts_config(locale), kb_fold(content)), 'C')`);
    await q.query(`
      CREATE TABLE articles (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        title varchar(200) NOT NULL,
        content text NOT NULL,
        media_links text[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        published boolean NOT NULL DEFAULT false,
        locale varchar(2) NOT NULL DEFAULT 'en',
        author_id integer REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search_vector tsvector GENERATED ALWAYS AS (kb_search_vector(locale, title, tags, content)) STORED,
        -- The title alone: its matches are always among the articles a search ranks (see knowledge.sql.ts).
        title_vector tsvector GENERATED ALWAYS AS (to_tsvector(kb_ts_config(locale), kb_fold(title))) STORED,
        CONSTRAINT articles_title_check CHECK (length(btrim(title)) > 0),
        CONSTRAINT articles_locale_check CHECK (locale IN ('en', 'ru'))
      )`);
    // fastupdate off: articles are written rarely and searched all the time, and a pending list
    // (what fastupdate keeps until the next vacuum) is read in full by every search.
    await q.query(`CREATE INDEX articles_search_vector_idx ON articles USING gin (search_vector) WITH (fastupdate = off)`);
    await q.query(`CREATE INDEX articles_title_vector_idx ON articles USING gin (title_vector) WITH (fastupdate = off)`);
    await q.query(`CREATE INDEX articles_title_trgm_idx ON articles USING gin (kb_fold(title) gin_trgm_ops)`);
    // The list without ?q=: newest first, for everyone (published) and for agents (all).
    await q.query(`CREATE INDEX articles_published_newest_idx ON articles (created_at DESC, id DESC) WHERE published`);
    await q.query(`CREATE INDEX articles_newest_idx ON articles (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX articles_author_id_idx ON articles (author_id)`);

    await q.query(`
      CREATE TABLE article_words (
        word text PRIMARY KEY
      )`);
    await q.query(`CREATE INDEX article_words_trgm_idx ON article_words USING gin (word gin_trgm_ops)`);
    // Words only ever join the list: a word no article uses any more can still be suggested as
    // a correction, which then finds nothing, as the misspelt word would have.
    await q.query(`
      CREATE FUNCTION kb_collect_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO article_words (word)
        SELECT DISTINCT lexeme
          FROM changed,
               unnest(to_tsvector('pg_catalog.simple', kb_fold(changed.title || ' ' || array_to_string(changed.tags, ' ') || ' ' || changed.content))) AS w
         WHERE length(lexeme) BETWEEN 3 AND 40 AND lexeme !~ '[0-9]'
        ON CONFLICT (word) DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER articles_words_insert AFTER INSERT ON articles
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kb_collect_words()`);
    await q.query(`
      CREATE TRIGGER articles_words_update AFTER UPDATE ON articles
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kb_collect_words()`);

    await q.query(`
      CREATE TABLE article_stats (
        article_id integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        views bigint NOT NULL DEFAULT 0,
        CONSTRAINT article_stats_views_check CHECK (views >= 0)
      )`);
    await q.query(`CREATE INDEX article_stats_views_idx ON article_stats (views DESC, article_id)`);
    await q.query(`
      CREATE TABLE article_feedback (
        article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        helpful boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (article_id, user_id)
      )`);
    await q.query(`CREATE INDEX article_feedback_user_id_idx ON article_feedback (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE article_feedback`);
    await q.query(`DROP TABLE article_stats`);
    await q.query(`DROP TABLE articles`);
    await q.query(`DROP FUNCTION kb_collect_words()`);
    await q.query(`DROP TABLE article_words`);
    await q.query(`DROP FUNCTION kb_search_vector(text, text, text[], text)`);
    await q.query(`DROP FUNCTION kb_ts_config(text)`);
    await q.query(`DROP FUNCTION kb_fold(text)`);
    // The extensions stay: other objects may have come to use them.
  }
}

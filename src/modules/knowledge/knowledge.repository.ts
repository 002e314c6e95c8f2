import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { isReferenceViolation } from '#src/common/database/pg-errors.js';
import { preparedQuery } from '#src/common/database/prepared-query.js';
import { ArticleEntity } from '#src/modules/knowledge/article.entity.js';
import { CLOSEST_WORDS_SQL, COLUMNS, columns, JOINS, searchSql, searchTitlesSql, visibility, VOTES } from '#src/modules/knowledge/knowledge.sql.js';

/** An article as the statements below return it: times as PostgreSQL's text (see preparedQuery), with its counts. */
export interface ArticleRow {
  id: number;
  title: string;
  content: string;
  media_links: string[];
  tags: string[];
  published: boolean;
  locale: string;
  author_id: number | null;
  author_name: string | null;
  created_at: string;
  updated_at: string;
  views: number;
  helpful: number;
  not_helpful: number;
}

/** A search hit: the row, its rank, and ts_headline's passage with the HIGHLIGHT markers (not yet escaped). */
export interface ArticleHit extends ArticleRow {
  rank: number;
  headline: string;
}

export interface ReportRow {
  id: number;
  title: string;
  published: boolean;
  locale: string;
  views: number;
  helpful: number;
  not_helpful: number;
}

export interface NewArticle {
  title: string;
  content: string;
  mediaLinks: string[];
  tags: string[];
  published: boolean;
  locale: string;
  authorId: number;
}

@Injectable()
export class KnowledgeRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ArticleEntity) private readonly articles: Repository<ArticleEntity>,
  ) {}

  /**
   * Full-text search, best first: matches of `query` (websearch syntax) ranked by ts_rank_cd
   * (title A, tags B, content C; normalised by the length's logarithm), keyset after `after`.
   */
  search(query: string, drafts: boolean, after: { rank: number; id: number } | null, limit: number): Promise<ArticleHit[]> {
    return preparedQuery<ArticleHit>(
      this.db,
      `kb-search-${drafts ? 'all' : 'published'}`,
      searchSql(drafts),
      [query, after?.rank ?? null, after?.id ?? null, limit],
    );
  }

  /**
   * The last resort for a query that found nothing: titles that contain something close to the
   * whole query (pg_trgm word similarity above pg_trgm.word_similarity_threshold, 0.6 by default).
   */
  searchTitles(query: string, drafts: boolean, limit: number): Promise<ArticleHit[]> {
    return preparedQuery<ArticleHit>(
      this.db,
      `kb-search-titles-${drafts ? 'all' : 'published'}`,
      searchTitlesSql(drafts),
      [query, limit],
    );
  }

  /**
   * For each word the knowledge base does not use (case and accents folded), the most similar
   * word it does use, at a pg_trgm similarity of at least `minSimilarity`; words without one are left out.
   */
  async closestWords(words: string[], minSimilarity: number): Promise<Map<string, string>> {
    if (words.length === 0) return new Map();
    const rows = await preparedQuery<{ input: string; word: string }>(
      this.db,
      'kb-closest-words',
      CLOSEST_WORDS_SQL,
      [words, minSimilarity],
    );
    return new Map(rows.map((r) => [r.input, r.word]));
  }

  /** Newest first, keyset before (`createdAt`, `id`). */
  listNewest(drafts: boolean, before: { createdAt: string; id: number } | null, limit: number): Promise<ArticleRow[]> {
    return preparedQuery<ArticleRow>(
      this.db,
      `kb-newest-${drafts ? 'all' : 'published'}`,
      `SELECT ${COLUMNS}
         FROM (SELECT * FROM articles a
                WHERE ${visibility(drafts)}
                  AND ($1::timestamptz IS NULL OR (a.created_at, a.id) < ($1::timestamptz, $2::int))
                ORDER BY a.created_at DESC, a.id DESC
                LIMIT $3) a
         ${JOINS}
        ORDER BY a.created_at DESC, a.id DESC`,
      [before?.createdAt ?? null, before?.id ?? null, limit],
    );
  }

  async findById(id: number, drafts: boolean): Promise<ArticleRow | null> {
    const rows = await preparedQuery<ArticleRow>(
      this.db,
      `kb-find-${drafts ? 'all' : 'published'}`,
      `SELECT ${COLUMNS} FROM articles a ${JOINS} WHERE a.id = $1 AND ${visibility(drafts)}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The article if the caller may see it, counting this view in the same statement (the count returned includes it). */
  async viewById(id: number, drafts: boolean): Promise<ArticleRow | null> {
    const rows = await preparedQuery<ArticleRow>(
      this.db,
      `kb-view-${drafts ? 'all' : 'published'}`,
      `WITH counted AS (
         INSERT INTO article_stats AS st (article_id, views)
         SELECT a.id, 1 FROM articles a WHERE a.id = $1 AND ${visibility(drafts)}
         ON CONFLICT (article_id) DO UPDATE SET views = st.views + 1
         RETURNING st.article_id, st.views)
       SELECT ${columns('c.views')}
         FROM counted c
         JOIN articles a ON a.id = c.article_id
         LEFT JOIN users u ON u.id = a.author_id
         ${VOTES}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insert(values: NewArticle): Promise<number> {
    const saved = await this.articles.save(this.articles.create(values));
    return saved.id;
  }

  /** False when there is no such article. */
  async update(id: number, values: Partial<Omit<NewArticle, 'authorId'>>): Promise<boolean> {
    if (Object.keys(values).length === 0) return this.articles.existsBy({ id });
    const result = await this.articles.update({ id }, values);
    return (result.affected ?? 0) > 0;
  }

  /** False when there was no such article (its counts and votes go with it). */
  async delete(id: number): Promise<boolean> {
    const result = await this.articles.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** Records or replaces the user's vote; null when the article is gone. `replaced`: there was one before. */
  async vote(articleId: number, userId: number, helpful: boolean): Promise<{ helpful: boolean; replaced: boolean } | null> {
    try {
      const rows = await preparedQuery<{ helpful: boolean; replaced: boolean }>(
        this.db,
        'kb-vote',
        `INSERT INTO article_feedback AS f (article_id, user_id, helpful) VALUES ($1, $2, $3)
         ON CONFLICT (article_id, user_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()
         RETURNING f.helpful, (f.xmax <> 0) AS replaced`,
        [articleId, userId, helpful],
      );
      return rows[0];
    } catch (error) {
      if (isReferenceViolation(error)) return null;
      throw error;
    }
  }

  /** The most viewed articles, most first. */
  mostViewed(limit: number): Promise<ReportRow[]> {
    return preparedQuery<ReportRow>(
      this.db,
      'kb-report-viewed',
      `SELECT a.id, a.title, a.published, a.locale, s.views::float8 AS views, fb.helpful, fb.not_helpful
         FROM (SELECT article_id, views FROM article_stats ORDER BY views DESC, article_id LIMIT $1) s
         JOIN articles a ON a.id = s.article_id
         ${VOTES}
        ORDER BY s.views DESC, a.id`,
      [limit],
    );
  }

  /** Articles with votes, the lowest share of helpful votes first, then the most "not helpful" votes. */
  leastHelpful(limit: number): Promise<ReportRow[]> {
    return preparedQuery<ReportRow>(
      this.db,
      'kb-report-unhelpful',
      `SELECT a.id, a.title, a.published, a.locale, coalesce(s.views, 0)::float8 AS views, fb.helpful, fb.not_helpful
         FROM (SELECT article_id, count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS not_helpful
                 FROM article_feedback GROUP BY article_id) fb
         JOIN articles a ON a.id = fb.article_id
         LEFT JOIN article_stats s ON s.article_id = a.id
        ORDER BY fb.helpful::float8 / (fb.helpful + fb.not_helpful), fb.not_helpful DESC, a.id
        LIMIT $1`,
      [limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { pgTimestampToCursor, pgTimestampToIso } from '#src/common/database/timestamps.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { decodeCursor, DEFAULT_LIMIT, invalidCursor, type Page, toPage, wholeList } from '#src/common/pagination/pagination.js';
import {
  DEFAULT_ARTICLE_LOCALE,
  decodeRankCursor,
  helpfulShare,
  normaliseTags,
  type RankCursor,
  SUGGESTIONS,
  ticketSearchText,
  WORD_SIMILARITY_MIN,
} from '#src/modules/knowledge/domain/article-rules.js';
import { anyWordQuery, correctableWords, parseSearchQuery, queryText } from '#src/modules/knowledge/domain/search-query.js';
import { renderSnippet } from '#src/modules/knowledge/domain/snippet.js';
import type {
  ArticleFeedbackResponseDto,
  ArticleReportDto,
  ArticleReportRowDto,
  ArticleResponseDto,
  ArticleSuggestionsDto,
  CreateArticleDto,
  ListArticlesQueryDto,
  SuggestArticlesQueryDto,
  UpdateArticleDto,
} from '#src/modules/knowledge/dto/article.dto.js';
import { type ArticleHit, type ArticleRow, KnowledgeRepository, type ReportRow } from '#src/modules/knowledge/knowledge.repository.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Article not found');

/** Agents and admins see drafts and counts; customers and anonymous readers neither. */
const isStaff = (viewer: AuthUser | null) => viewer !== null && isAgent(viewer);

function toArticleResponse(row: ArticleRow, staff: boolean, snippet?: string): ArticleResponseDto {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    media_links: row.media_links,
    tags: row.tags,
    published: row.published,
    locale: row.locale as ArticleResponseDto['locale'],
    author_id: row.author_id,
    author_name: row.author_name,
    created_at: pgTimestampToIso(row.created_at),
    updated_at: pgTimestampToIso(row.updated_at),
    ...(staff && { stats: { views: row.views, helpful: row.helpful, not_helpful: row.not_helpful } }),
    ...(snippet !== undefined && { snippet }),
  };
}

/** A search hit: the article with its snippet. */
const toHitResponse = (hit: ArticleHit, staff: boolean) => toArticleResponse(hit, staff, renderSnippet(hit.headline));

function toReportRow(row: ReportRow): ArticleReportRowDto {
  return { ...row, locale: row.locale as ArticleReportRowDto['locale'], helpful_share: helpfulShare(row.helpful, row.not_helpful) };
}

@Injectable()
export class KnowledgeService {
  constructor(
    private readonly articles: KnowledgeRepository,
    private readonly tickets: TicketsService,
  ) {}

  /** With `q`: best match first (typos corrected when the words as typed find nothing); without: newest first. */
  async list(viewer: AuthUser | null, query: ListArticlesQueryDto): Promise<Page<ArticleResponseDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const staff = isStaff(viewer);
    if (query.q) return this.search(query.q, staff, query.cursor, limit);
    const before = query.cursor ? decodeCursor(query.cursor, ['timestamp', 'int']) : undefined;
    const rows = await this.articles.listNewest(staff, before ? { createdAt: before[0] as string, id: before[1] as number } : null, limit + 1);
    return toPage(rows, limit, (r) => toArticleResponse(r, staff), (r) => [pgTimestampToCursor(r.created_at), r.id]);
  }

  /**
   * The words as typed first; when they find nothing, each word the articles do not use is
   * replaced by the closest one they do (pg_trgm) and the search runs again; when that finds
   * nothing either, titles similar to the whole query. A next page follows the same branch.
   */
  private async search(q: string, staff: boolean, cursorText: string | undefined, limit: number): Promise<Page<ArticleResponseDto>> {
    const cursor = cursorText === undefined ? null : decodeRankCursor(cursorText);
    if (cursorText !== undefined && !cursor) throw invalidCursor();
    const { hits, corrected } = await this.searchCorrecting(parseSearchQuery(q), staff, cursor, limit + 1);
    if (hits.length === 0 && !cursor) return { items: (await this.articles.searchTitles(q, staff, limit)).map((h) => toHitResponse(h, staff)), next_cursor: null };
    return toPage(hits, limit, (h) => toHitResponse(h, staff), (h) => [h.rank, h.id, corrected ? 1 : 0]);
  }

  /**
   * A search as typed, then, when it finds nothing, with each word the articles do not use replaced
   * by the closest one they do. A cursor continues the branch its first page took.
   */
  private async searchCorrecting(
    tokens: ReturnType<typeof parseSearchQuery>,
    staff: boolean,
    cursor: RankCursor | null,
    limit: number,
  ): Promise<{ hits: ArticleHit[]; corrected: boolean }> {
    if (!cursor?.corrected) {
      const hits = await this.articles.search(queryText(tokens), staff, cursor, limit);
      if (hits.length > 0 || cursor) return { hits, corrected: false };
    }
    const corrections = await this.articles.closestWords(correctableWords(tokens), WORD_SIMILARITY_MIN);
    return { hits: corrections.size > 0 ? await this.articles.search(queryText(tokens, corrections), staff, cursor, limit) : [], corrected: corrections.size > 0 };
  }

  /** Published articles to anyone, drafts to agents (404 to others); counts this view. */
  async view(viewer: AuthUser | null, id: number): Promise<ArticleResponseDto> {
    const staff = isStaff(viewer);
    const row = await this.articles.viewById(id, staff);
    if (!row) throw notFound();
    return toArticleResponse(row, staff);
  }

  /** The top published articles for a ticket the caller may see (404 otherwise) or for a text. */
  async suggest(viewer: AuthUser, query: SuggestArticlesQueryDto): Promise<ArticleSuggestionsDto> {
    if ((query.ticket_id === undefined) === (query.q === undefined)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Give ticket_id or q, not both', [
        { field: 'ticket_id', problems: ['give either ticket_id or q'] },
      ]);
    }
    const text = query.ticket_id !== undefined ? ticketSearchText(await this.tickets.getVisible(viewer, query.ticket_id)) : (query.q as string);
    const staff = isStaff(viewer);
    return wholeList((await this.topForText(text, SUGGESTIONS)).map((h) => toHitResponse(h, staff)));
  }

  /**
   * The best published articles for a free text (any of its words, typos corrected when nothing
   * matches as typed): for suggestions, and for suggested replies (the assist module).
   */
  async topForText(text: string, limit: number): Promise<ArticleHit[]> {
    const anyWord = anyWordQuery(text);
    return anyWord ? (await this.searchCorrecting(parseSearchQuery(anyWord), false, null, limit)).hits : [];
  }

  async create(author: AuthUser, dto: CreateArticleDto): Promise<ArticleResponseDto> {
    const id = await this.articles.insert({
      title: dto.title,
      content: dto.content,
      mediaLinks: dto.media_links ?? [],
      tags: normaliseTags(dto.tags ?? []),
      published: dto.published ?? false,
      locale: dto.locale ?? DEFAULT_ARTICLE_LOCALE,
      authorId: author.id,
    });
    return this.getForStaff(id);
  }

  async update(id: number, dto: UpdateArticleDto): Promise<ArticleResponseDto> {
    const changed = await this.articles.update(id, {
      ...(dto.title !== undefined && { title: dto.title }),
      ...(dto.content !== undefined && { content: dto.content }),
      ...(dto.media_links !== undefined && { mediaLinks: dto.media_links }),
      ...(dto.tags !== undefined && { tags: normaliseTags(dto.tags) }),
      ...(dto.published !== undefined && { published: dto.published }),
      ...(dto.locale !== undefined && { locale: dto.locale }),
    });
    if (!changed) throw notFound();
    return this.getForStaff(id);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.articles.delete(id))) throw notFound();
  }

  /** One vote per user and article: a second replaces the first. Only on an article the caller may see. */
  async feedback(voter: AuthUser, id: number, helpful: boolean): Promise<ArticleFeedbackResponseDto> {
    if (!(await this.articles.findById(id, isStaff(voter)))) throw notFound();
    const vote = await this.articles.vote(id, voter.id, helpful);
    if (!vote) throw notFound();
    return { article_id: id, helpful: vote.helpful, replaced: vote.replaced };
  }

  async report(limit = 10): Promise<ArticleReportDto> {
    const [viewed, unhelpful] = await Promise.all([this.articles.mostViewed(limit), this.articles.leastHelpful(limit)]);
    return { most_viewed: viewed.map(toReportRow), least_helpful: unhelpful.map(toReportRow) };
  }

  private async getForStaff(id: number): Promise<ArticleResponseDto> {
    const row = await this.articles.findById(id, true);
    if (!row) throw notFound();
    return toArticleResponse(row, true);
  }
}

import type { ArticleForReply } from '#src/modules/assist/domain/fallback-reply.js';

/**
 * Where suggested replies find knowledge-base articles: the best published ones for a text (a
 * ticket's title and description). Provided by the knowledge module.
 */
export abstract class ArticleLookup {
  abstract forText(text: string, limit: number): Promise<ArticleForReply[]>;
}

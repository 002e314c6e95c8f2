/** The languages articles are written in; each is searched with its own word forms. */
export const ARTICLE_LOCALES = ['en', 'ru'] as const;
export type ArticleLocale = (typeof ARTICLE_LOCALES)[number];
export const DEFAULT_ARTICLE_LOCALE: ArticleLocale = 'en';

/**
 * The PostgreSQL text search configuration for a locale. The database's kb_ts_config (migration
 * 1764700300000) makes the same choice for the stored vectors; queries are built for each.
 */
export function textSearchConfig(locale: string): 'pg_catalog.russian' | 'pg_catalog.english' {
  return locale === 'ru' ? 'pg_catalog.russian' : 'pg_catalog.english';
}

/** How close (pg_trgm similarity, 0..1) a known word must be to stand in for a misspelt one. */
export const WORD_SIMILARITY_MIN = 0.4;
/** Articles a suggestion returns. */
export const SUGGESTIONS = 3;

/** An absolute http(s) URL with a host and no credentials in it. */
export function isHttpUrl(value: string): boolean {
  if (value.length > 2000 || /\s/u.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
}

/** Tags trimmed, empty ones dropped, duplicates (in any case) kept once, in the order given. */
export function normaliseTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const tag of tags.map((t) => t.trim().replace(/\s+/gu, ' '))) {
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    kept.push(tag);
  }
  return kept;
}

/** What a ticket is about, as text to find articles for: the title first, so its words are kept within SUGGEST_WORDS_MAX. */
export function ticketSearchText(ticket: { title: string; description: string }): string {
  return `${ticket.title} ${ticket.description}`;
}

/** A search page's keyset position: the last row's rank and id, and whether the words were corrected. */
export interface RankCursor {
  rank: number;
  id: number;
  corrected: boolean;
}

export function encodeRankCursor(cursor: RankCursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.id, cursor.corrected ? 1 : 0])).toString('base64url');
}

/** The cursor, or null when it is not one this list gave out. */
export function decodeRankCursor(text: string): RankCursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [rank, id, corrected] = parsed as unknown[];
  if (typeof rank !== 'number' || !Number.isFinite(rank) || rank < 0 || rank > 1e6) return null;
  if (!Number.isInteger(id) || (id as number) < 1 || (id as number) > 2_147_483_647) return null;
  if (corrected !== 0 && corrected !== 1) return null;
  return { rank, id: id as number, corrected: corrected === 1 };
}

/** Helpful share of the votes, null without votes (for the report's least helpful list). */
export function helpfulShare(helpful: number, notHelpful: number): number | null {
  const total = helpful + notHelpful;
  return total === 0 ? null : helpful / total;
}

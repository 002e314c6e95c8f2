/**
 * The search box's text, as PostgreSQL's websearch_to_tsquery reads it: words, "quoted phrases",
 * `or`, and `-word` to exclude. Tokenised here so that misspelt words can be swapped for the
 * closest words of the knowledge base and the query put back together with its operators intact.
 */
export type QueryToken = { kind: 'word' | 'phrase'; text: string; negated: boolean } | { kind: 'or' };

/** Longest query text kept (longer input is cut at a word boundary before it). */
export const QUERY_MAX = 200;
/** Shortest word a typo correction is tried on: trigrams of shorter words match almost anything. */
export const CORRECTABLE_MIN = 3;
const CORRECTABLE_MAX = 40;
/** How many words of a ticket's text a suggestion searches for (any of them). */
export const SUGGEST_WORDS_MAX = 24;

const TOKEN = /(-?)"([^"]*)"?|(\S+)/gu;
const LETTERS_ONLY = /^\p{L}+$/u;

export function parseSearchQuery(q: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  for (const match of q.matchAll(TOKEN)) {
    const [, minus, phrase, bare] = match;
    if (phrase !== undefined) {
      const text = phrase.replace(/\s+/gu, ' ').trim();
      if (text) tokens.push({ kind: 'phrase', text, negated: minus === '-' });
      continue;
    }
    if (bare.toLowerCase() === 'or') {
      tokens.push({ kind: 'or' });
      continue;
    }
    const negated = bare.startsWith('-') && bare.length > 1;
    // Stray quotes inside a word would open a phrase on the way back: drop them.
    const text = (negated ? bare.slice(1) : bare).replaceAll('"', '');
    if (text) tokens.push({ kind: 'word', text, negated });
  }
  return tokens;
}

/** The plain words worth a typo correction: letters only, 3 to 40 of them (not phrases, not `or`). */
export function correctableWords(tokens: QueryToken[]): string[] {
  const words = tokens.flatMap((t) =>
    t.kind === 'word' && LETTERS_ONLY.test(t.text) && [...t.text].length >= CORRECTABLE_MIN && [...t.text].length <= CORRECTABLE_MAX ? [t.text] : [],
  );
  return [...new Set(words)];
}

/** The query text again, each word found in `corrections` replaced by its correction. */
export function queryText(tokens: QueryToken[], corrections: ReadonlyMap<string, string> = new Map()): string {
  return tokens
    .map((t) => {
      if (t.kind === 'or') return 'or';
      const text = t.kind === 'word' ? (corrections.get(t.text) ?? t.text) : `"${t.text}"`;
      return t.negated ? `-${text}` : text;
    })
    .join(' ');
}

/**
 * A query that matches any of the first words of a free text (a ticket's title and description),
 * for suggestions: websearch syntax `a or b or c`, without operators the text happened to contain.
 */
export function anyWordQuery(text: string, maxWords = SUGGEST_WORDS_MAX): string {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Set<string>();
  const picked: string[] = [];
  for (const word of words) {
    const key = word.toLowerCase();
    if (key === 'or' || seen.has(key)) continue;
    seen.add(key);
    picked.push(word);
    if (picked.length === maxWords) break;
  }
  return picked.join(' or ');
}

import { type BotLanguage, contentWords, wordSimilarity } from '#src/modules/bot/domain/text.js';

/** What matching needs of an intent: its id and its phrases per language. */
export interface MatchableIntent {
  id: number;
  phrases: Partial<Record<BotLanguage, string[]>>;
}

export interface IntentMatch {
  intentId: number;
  /** The phrase that matched best, as written in the intent. */
  phrase: string;
  /** 0 to 1: the mean similarity of the phrase's words to their best match in the message. */
  score: number;
}

/** A phrase matches when its words are, on average, at least this alike to words of the message. */
export const MATCH_THRESHOLD = 0.8;
/** Every word of a phrase must find a counterpart at least this alike (one typo in a long word passes). */
const WORD_MIN = 0.7;

/**
 * The phrase's score against the message's words: each of the phrase's content words takes its
 * best counterpart in the message (order does not matter, other words around it neither), and a
 * word with none fails the phrase. A phrase of stop words only never matches.
 */
export function phraseScore(phraseWords: readonly string[], messageWords: readonly string[]): number {
  if (phraseWords.length === 0) return 0;
  let total = 0;
  for (const word of phraseWords) {
    let best = 0;
    for (const candidate of messageWords) best = Math.max(best, wordSimilarity(word, candidate));
    if (best < WORD_MIN) return 0;
    total += best;
  }
  return total / phraseWords.length;
}

/**
 * The intent a customer's message asks for, or null: every phrase of every language is scored (a
 * Russian message may use an English word), the ones at or above `threshold` compete, and the
 * phrase with the most words wins (the most specific), then the higher score, then the lower id.
 */
export function matchIntent(text: string, intents: readonly MatchableIntent[], threshold = MATCH_THRESHOLD): IntentMatch | null {
  const messageWords = contentWords(text);
  if (messageWords.length === 0) return null;
  let best: (IntentMatch & { words: number }) | null = null;
  for (const intent of intents) {
    for (const phrase of Object.values(intent.phrases).flat()) {
      if (!phrase) continue;
      const words = contentWords(phrase);
      const score = phraseScore(words, messageWords);
      if (score < threshold) continue;
      const better =
        !best ||
        words.length > best.words ||
        (words.length === best.words && (score > best.score || (score === best.score && intent.id < best.intentId)));
      if (better) best = { intentId: intent.id, phrase, score, words: words.length };
    }
  }
  return best && { intentId: best.intentId, phrase: best.phrase, score: best.score };
}

/**
 * How much of a customer's message a knowledge-base article covers: the share of the message's
 * content words found (alike, as above) among the article's words. The bot answers from an article
 * only at or above KNOWLEDGE_COVERAGE_MIN, so a passing word in common is not an answer.
 */
export function coverage(message: string, article: string): number {
  const messageWords = [...new Set(contentWords(message))];
  if (messageWords.length === 0) return 0;
  const articleWords = [...new Set(contentWords(article))];
  const found = messageWords.filter((word) => articleWords.some((candidate) => wordSimilarity(word, candidate) >= WORD_MIN));
  return found.length / messageWords.length;
}

export const KNOWLEDGE_COVERAGE_MIN = 0.6;

/**
 * Text as the bot compares it: pure functions, no framework. English and Russian.
 */
export const BOT_LANGUAGES = ['en', 'ru'] as const;
export type BotLanguage = (typeof BOT_LANGUAGES)[number];

/** Words that carry no intent of their own, dropped from phrases and messages before matching. */
const STOP_WORDS = new Set([
  // English
  'a', 'an', 'the', 'i', 'me', 'my', 'we', 'our', 'you', 'your', 'is', 'are', 'am', 'was', 'be', 'to', 'of', 'for', 'in', 'on',
  'at', 'it', 'its', 'do', 'does', 'did', 'can', 'could', 'would', 'will', 'please', 'pls', 'plz', 'hi', 'hello', 'hey', 'and',
  'or', 'with', 'about', 'want', 'like', 'need', 'would', 'this', 'that', 'there', 'what', 'so', 'just', 'some', 'any', 'im',
  'id', 'ive', 'dont', 'get', 'let', 'know', 'tell', 'up',
  // Russian (ё already folded to е)
  'я', 'мне', 'меня', 'мой', 'моя', 'мое', 'мои', 'моего', 'моей', 'вы', 'вас', 'ваш', 'ваша', 'а', 'и', 'в', 'во', 'на', 'с',
  'со', 'к', 'ко', 'по', 'о', 'об', 'у', 'за', 'из', 'от', 'до', 'же', 'ли', 'бы', 'не', 'это', 'этот', 'эта', 'то', 'как', 'что',
  'пожалуйста', 'здравствуйте', 'привет', 'добрый', 'день', 'хочу', 'хотел', 'хотела', 'бы', 'можно', 'подскажите', 'скажите',
  'мне', 'нужно', 'надо',
]);

/** Lower case, ё→е, punctuation and symbols to spaces (a `#` before digits too), spaces collapsed. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a text that matter for matching: normalised, stop words out. */
export function contentWords(text: string): string[] {
  const words = normalise(text).split(' ').filter(Boolean);
  return words.filter((word) => !STOP_WORDS.has(word));
}

const RU_ENDINGS = [
  'иями', 'ями', 'ами', 'ого', 'его', 'ому', 'ему', 'ыми', 'ими', 'ией', 'ия', 'ие', 'ий', 'ый', 'ой', 'ая', 'яя', 'ое', 'ее',
  'ые', 'ие', 'ов', 'ев', 'ей', 'ам', 'ям', 'ах', 'ях', 'ом', 'ем', 'ую', 'юю', 'ть', 'ти', 'ет', 'ит', 'ут', 'ют', 'ат', 'ят',
  'а', 'я', 'о', 'е', 'ы', 'и', 'у', 'ю', 'ь', 'й',
];
const EN_ENDINGS = ['ing', 'ies', 'ied', 'ed', 'es', 's'];

/** A light stem: the longest known ending off, keeping at least three letters. */
export function stem(word: string): string {
  const endings = /[а-я]/.test(word) ? RU_ENDINGS : EN_ENDINGS;
  for (const ending of endings) {
    if (word.length - ending.length >= 3 && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), capped at `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i].push(best);
    }
  }
  return Math.min(rows[a.length][b.length], max + 1);
}

/**
 * How alike two words are, 0 to 1: equal or with the same stem 1; one typo 0.85 (words of four
 * letters or more), two typos 0.7 (eight or more); anything else 0. Short words must be equal.
 */
export function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const [sa, sb] = [stem(a), stem(b)];
  if (sa === sb) return 1;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return 0;
  const allowed = shorter >= 8 ? 2 : 1;
  const distance = Math.min(editDistance(a, b, allowed), editDistance(sa, sb, allowed));
  if (distance === 1) return 0.85;
  if (distance === 2 && allowed === 2) return 0.7;
  return 0;
}

/** Russian when the text has Cyrillic letters and no more Latin ones; English when it has Latin ones; else null. */
export function detectLanguage(text: string): BotLanguage | null {
  const cyrillic = (text.match(/[а-яё]/giu) ?? []).length;
  const latin = (text.match(/[a-z]/giu) ?? []).length;
  if (cyrillic === 0 && latin === 0) return null;
  return cyrillic >= latin ? 'ru' : 'en';
}

const YES = new Set(['yes', 'yeah', 'yep', 'yup', 'sure', 'ok', 'okay', 'helped', 'да', 'ага', 'угу', 'конечно', 'помогло', 'спасибо', 'thanks']);
const NO = new Set(['no', 'nope', 'nah', 'not', 'didnt', 'doesnt', 'нет', 'неа', 'не']);

/** A short answer to a yes/no question: `yes`, `no`, or null when it is neither (or both). */
export function yesOrNo(text: string): 'yes' | 'no' | null {
  const words = normalise(text).split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 6) return null;
  const no = words.some((word) => NO.has(word));
  const yes = words.some((word) => YES.has(word));
  if (no) return 'no';
  return yes ? 'yes' : null;
}

/**
 * An order number in a message: the first run of 3 to 20 digits, with or without `#`, anywhere in
 * the text ("it's #12345, thanks" → "12345"); null when there is none.
 */
export function extractNumber(text: string): string | null {
  const match = /(?:^|[^\p{L}\p{N}])#?\s?(\d{3,20})(?![\p{N}])/u.exec(text);
  return match ? match[1] : null;
}

/** A value for a slot of `type`: a number (see extractNumber), an e-mail address, or any non-blank text. */
export function extractSlot(type: SlotType, text: string): string | null {
  if (type === 'number') return extractNumber(text);
  if (type === 'email') return /[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>().,;]+/u.exec(text)?.[0] ?? null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed.slice(0, 500);
}

export const SLOT_TYPES = ['number', 'email', 'text'] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

/**
 * The suggested reply when no language model is configured (issue 14): assembled from the best
 * matching knowledge-base articles, so the feature works on a fresh machine. Pure.
 */

export interface ArticleForReply {
  id: number;
  title: string;
  content: string;
  /** Where the customer can read the whole article (a link to the public API or help centre). */
  url: string;
}

export type ReplyLocale = 'en' | 'ru';

const TEXTS: Record<ReplyLocale, { hello: (name: string) => string; steps: (title: string) => string; more: string; none: string; bye: string }> = {
  en: {
    hello: (name) => (name ? `Hello ${name},` : 'Hello,'),
    steps: (title) => `thank you for your message. This should help ("${title}"):`,
    more: 'The whole article:',
    none: 'thank you for your message. We are looking into it and will get back to you shortly.',
    bye: 'If this does not solve it, just reply and we will take it from here.',
  },
  ru: {
    hello: (name) => (name ? `Здравствуйте, ${name}!` : 'Здравствуйте!'),
    steps: (title) => `Спасибо за обращение. Вот что должно помочь («${title}»):`,
    more: 'Статья целиком:',
    none: 'Спасибо за обращение. Мы уже разбираемся и скоро ответим.',
    bye: 'Если это не помогло, просто ответьте на это сообщение, и мы продолжим.',
  },
};

/** At most this many lines of the article's steps go into the reply. */
const MAX_STEPS = 8;

/** The article's first steps: its non-empty lines, list markers kept, at most MAX_STEPS. */
export function articleSteps(content: string): string[] {
  return content
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^#+\s*$/.test(line))
    .slice(0, MAX_STEPS);
}

/** A greeting, the best article's steps and its link; or a holding answer when nothing matched. */
export function fallbackReply(input: { customerName: string; locale: ReplyLocale; articles: ArticleForReply[] }): string {
  const t = TEXTS[input.locale];
  const best = input.articles[0];
  if (!best) return `${t.hello(input.customerName)}\n\n${t.none}\n`;
  return [t.hello(input.customerName), '', t.steps(best.title), '', ...articleSteps(best.content), '', `${t.more} ${best.url}`, '', t.bye, ''].join('\n');
}

/** A text cut into small pieces (a word and the space after it), to stream like a model would. */
export function streamPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

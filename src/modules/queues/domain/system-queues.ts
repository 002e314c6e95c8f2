import { translate } from '#src/common/i18n/translate.js';
import { type Locale, LOCALES } from '#src/config/app-config.js';

/** The queues every database has from the start, by the stable key they carry (queues.system_key). */
export const SYSTEM_QUEUE_KEYS = ['technical', 'billing', 'logistics', 'general', 'email'] as const;
export type SystemQueueKey = (typeof SYSTEM_QUEUE_KEYS)[number];

export interface SystemQueueTexts {
  key: SystemQueueKey;
  /** The name and description in the configured locale. */
  name: string;
  description: string;
  /** The catalogue's name and description in every locale: a queue still bearing one was never edited by an admin. */
  defaultNames: string[];
  defaultDescriptions: string[];
}

const nameOf = (locale: Locale, key: SystemQueueKey) => translate(locale, `queues.${key}.name`);
const descriptionOf = (locale: Locale, key: SystemQueueKey) => translate(locale, `queues.${key}.description`);

/** What each system queue is called in `locale`, and what it may be called while no admin has edited it. */
export function systemQueueTexts(locale: Locale): SystemQueueTexts[] {
  return SYSTEM_QUEUE_KEYS.map((key) => ({
    key,
    name: nameOf(locale, key),
    description: descriptionOf(locale, key),
    defaultNames: LOCALES.map((other) => nameOf(other, key)),
    defaultDescriptions: LOCALES.map((other) => descriptionOf(other, key)),
  }));
}

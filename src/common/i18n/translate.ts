import { en } from '#src/common/i18n/catalogue.en.js';
import { ru } from '#src/common/i18n/catalogue.ru.js';
import type { Locale } from '#src/config/app-config.js';

/**
 * System texts in the configured language (LOCALE). Plain TypeScript, so domain/ functions and
 * the CLI use it as well as services (which inject `I18nService`, bound to the configured locale).
 */
export type MessageKey = keyof typeof en;

/** One catalogue per locale; a locale added to config without its catalogue is a compile error. */
export const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, ru };

/** The names of the `{placeholders}` in a text, as a union of string literal types. */
type Placeholders<Text extends string> = Text extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The params `key` needs: one per placeholder of its (English) text, none for a text without. */
export type MessageParams<K extends MessageKey> = Record<Placeholders<(typeof en)[K]>, string | number>;

/** A text without placeholders takes no params; any other takes all of its own. */
export type ParamsArg<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never] ? [] : [params: MessageParams<K>];

export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The text of `key` in `locale` with its placeholders filled. A missing or unknown param throws:
 * a wrong call is a bug to see at once (the types catch most of them at compile time).
 */
export function translate<K extends MessageKey>(locale: Locale, key: K, ...args: ParamsArg<K>): string {
  const template = CATALOGUES[locale][key];
  if (template === undefined) throw new Error(`No text "${key}" in the ${locale} catalogue`);
  const given: Record<string, string | number> = args[0] ?? {};
  const used = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(given, name)) throw new Error(`Text "${key}" needs the param "${name}"`);
    used.add(name);
    return String(given[name]);
  });
  const unknown = Object.keys(given).filter((name) => !used.has(name));
  if (unknown.length > 0) throw new Error(`Text "${key}" has no placeholder ${unknown.map((name) => `"${name}"`).join(', ')}`);
  return text;
}

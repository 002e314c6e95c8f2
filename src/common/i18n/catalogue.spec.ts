import { CATALOGUES, type MessageKey, PLACEHOLDER, translate } from '#src/common/i18n/translate.js';
import { LOCALES } from '#src/config/app-config.js';

const placeholdersOf = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((match) => match[1]).sort();
const englishKeys = Object.keys(CATALOGUES.en).sort();

describe('message catalogues', () => {
  it.each(LOCALES)('%s has exactly the keys of the English catalogue', (locale) => {
    expect(Object.keys(CATALOGUES[locale]).sort()).toEqual(englishKeys);
  });

  it.each(LOCALES.flatMap((locale) => englishKeys.map((key) => [locale, key])))('%s "%s" has the placeholders of the English text', (locale, key) => {
    const text = CATALOGUES[locale as keyof typeof CATALOGUES][key as MessageKey];
    expect(placeholdersOf(text)).toEqual(placeholdersOf(CATALOGUES.en[key as MessageKey]));
  });

  it.each(LOCALES.flatMap((locale) => englishKeys.map((key) => [locale, key])))('%s "%s" is a text with no braces but its placeholders', (locale, key) => {
    const text = CATALOGUES[locale as keyof typeof CATALOGUES][key as MessageKey];
    expect(text.trim()).not.toBe('');
    expect(text.replace(PLACEHOLDER, '')).not.toMatch(/[{}]/);
  });
});

describe('translate', () => {
  it.each([
    ['en', 'queues.email.name', {}, 'Email'],
    ['ru', 'queues.email.name', {}, 'Письма из почты'],
    ['en', 'sla.all_met', {}, 'All SLA deadlines are met for all tickets'],
    ['ru', 'sla.all_met', {}, '✅ Все дедлайны соблюдены для всех тикетов'],
    ['en', 'sla.frt_warning', { minutes: 32 }, 'FRT expires soon (32 min left)'],
    ['ru', 'sla.frt_warning', { minutes: 32 }, '🚨 FRT скоро истечёт (осталось: 32 мин)'],
    ['en', 'admin_bootstrap.email_taken', { email: 'a@b.test' }, 'a@b.test belongs to a user who is not an admin; no admin was created (npm run create-admin -- --email a@b.test --promote makes it one)'],
  ] as const)('%s %s %j -> %s', (locale, key, params, expected) => {
    expect((translate as (...args: unknown[]) => string)(locale, key, params)).toBe(expected);
  });

  it('inserts a param as written, never reading placeholders inside it', () => {
    expect(translate('en', 'sla.line', { time: '{title}', ticket_id: 7, title: '$& {event}', event: 'x' })).toBe('[{title}] [Ticket #7 | $& {event}] x');
  });

  it('fails loudly on a missing param', () => {
    // @ts-expect-error -- the types refuse it too
    expect(() => translate('ru', 'sla.frt_warning', {})).toThrow('Text "sla.frt_warning" needs the param "minutes"');
    // @ts-expect-error -- the types refuse it too
    expect(() => translate('en', 'sla.frt_warning')).toThrow('needs the param "minutes"');
  });

  it('fails loudly on a param the text does not have', () => {
    // @ts-expect-error -- the types refuse it too
    expect(() => translate('en', 'sla.frt_warning', { minutes: 1, minute: 1 })).toThrow('Text "sla.frt_warning" has no placeholder "minute"');
    // @ts-expect-error -- a text without placeholders takes no params
    expect(() => translate('en', 'sla.all_met', { minutes: 1 })).toThrow('has no placeholder "minutes"');
  });

  it('fails loudly on a key that no catalogue has', () => {
    // @ts-expect-error -- the types refuse it too
    expect(() => translate('en', 'no.such.key')).toThrow('No text "no.such.key" in the en catalogue');
  });
});

import { anyWordQuery, correctableWords, parseSearchQuery, queryText } from '#src/modules/knowledge/domain/search-query.js';

describe('parseSearchQuery and queryText', () => {
  it.each([
    ['password reset', 'password reset'],
    ['  password   reset  ', 'password reset'],
    ['"reset link" -expired', '"reset link" -expired'],
    ['invoice OR receipt', 'invoice or receipt'],
    ['"unclosed phrase', '"unclosed phrase"'],
    ['wo"rd', 'word'],
    ['""', ''],
    ['-', '-'],
  ])('%j reads back as %j', (q, expected) => {
    expect(queryText(parseSearchQuery(q))).toBe(expected);
  });

  it('replaces corrected words only, keeping phrases, negation and or', () => {
    const tokens = parseSearchQuery('pasword "pasword reset" or -pasword');
    expect(queryText(tokens, new Map([['pasword', 'password']]))).toBe('password "pasword reset" or -password');
  });
});

describe('correctableWords', () => {
  it.each([
    ['pasword reset', ['pasword', 'reset']],
    ['сброс пороля', ['сброс', 'пороля']],
    ['a an wifi2 e-mail "quoted words" or', []],
    ['reset reset -reset', ['reset']],
    ['x'.repeat(41), []],
  ])('%j gives %j', (q, expected) => {
    expect(correctableWords(parseSearchQuery(q))).toEqual(expected);
  });
});

describe('anyWordQuery', () => {
  it.each([
    ['Cannot reset my password', 'Cannot or reset or my or password'],
    ['Reset: reset, RESET! "quoted" -minus or', 'Reset or quoted or minus'],
    ['Не могу сбросить пароль', 'Не or могу or сбросить or пароль'],
    ['!!!', ''],
  ])('%j gives %j', (text, expected) => {
    expect(anyWordQuery(text)).toBe(expected);
  });

  it('keeps at most the given number of words', () => {
    expect(anyWordQuery('one two three four', 2)).toBe('one or two');
  });
});

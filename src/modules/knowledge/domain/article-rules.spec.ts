import {
  decodeRankCursor,
  encodeRankCursor,
  helpfulShare,
  isHttpUrl,
  normaliseTags,
  textSearchConfig,
  ticketSearchText,
} from '#src/modules/knowledge/domain/article-rules.js';

describe('textSearchConfig', () => {
  it.each([
    ['ru', 'pg_catalog.russian'],
    ['en', 'pg_catalog.english'],
    ['de', 'pg_catalog.english'],
  ])('%s searches with %s', (locale, config) => {
    expect(textSearchConfig(locale)).toBe(config);
  });
});

describe('isHttpUrl', () => {
  it.each([
    ['https://example.com/video.mp4', true],
    ['http://docs.example.com:8080/a?b=c#d', true],
    ['https://пример.рф/картинка.png', true],
    ['ftp://example.com/file', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<b>x</b>', false],
    ['//example.com/x', false],
    ['example.com', false],
    ['https://user:secret@example.com/', false],
    ['https://exa mple.com/', false],
    ['', false],
  ])('%j: %s', (url, ok) => {
    expect(isHttpUrl(url)).toBe(ok);
  });
});

describe('normaliseTags', () => {
  it('trims, drops empty and keeps the first of duplicates in any case', () => {
    expect(normaliseTags([' Login ', 'login', '', '  ', 'two  words', 'Пароль', 'пароль'])).toEqual(['Login', 'two words', 'Пароль']);
  });
});

describe('rank cursors', () => {
  it('round-trips', () => {
    const cursor = { rank: 0.19493562, id: 42, corrected: true };
    expect(decodeRankCursor(encodeRankCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 json', 'xyz'],
    ['wrong length', Buffer.from('[1,2]').toString('base64url')],
    ['negative rank', Buffer.from('[-1,2,0]').toString('base64url')],
    ['id zero', Buffer.from('[0.5,0,0]').toString('base64url')],
    ['id too big', Buffer.from('[0.5,2147483648,0]').toString('base64url')],
    ['string rank', Buffer.from('["0.5",2,0]').toString('base64url')],
    ['bad flag', Buffer.from('[0.5,2,2]').toString('base64url')],
  ])('refuses %s', (_, text) => {
    expect(decodeRankCursor(text)).toBeNull();
  });
});

describe('helpfulShare and ticketSearchText', () => {
  it.each([
    [0, 0, null],
    [3, 1, 0.75],
    [0, 2, 0],
  ])('%i helpful, %i not: %s', (helpful, notHelpful, share) => {
    expect(helpfulShare(helpful, notHelpful)).toBe(share);
  });

  it('puts the title first', () => {
    expect(ticketSearchText({ title: 'Reset', description: 'My password' })).toBe('Reset My password');
  });
});

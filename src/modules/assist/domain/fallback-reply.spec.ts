import { articleSteps, fallbackReply, streamPieces } from '#src/modules/assist/domain/fallback-reply.js';

const article = { id: 7, title: 'Reset your password', content: '# Steps\n\n1. Open Settings\n2. Choose "Password"\n\n3. Follow the mail', url: 'https://help.example.test/articles/7' };

describe('fallbackReply', () => {
  it('greets, gives the best article\'s steps and its link', () => {
    const reply = fallbackReply({ customerName: 'Anna', locale: 'en', articles: [article, { ...article, id: 8, title: 'Other' }] });
    expect(reply).toContain('Hello Anna,');
    expect(reply).toContain('("Reset your password")');
    expect(reply).toContain('1. Open Settings\n2. Choose "Password"\n3. Follow the mail');
    expect(reply).toContain('The whole article: https://help.example.test/articles/7');
    expect(reply).not.toContain('Other');
  });

  it('speaks Russian for ru', () => {
    const reply = fallbackReply({ customerName: 'Анна', locale: 'ru', articles: [article] });
    expect(reply).toContain('Здравствуйте, Анна!');
    expect(reply).toContain('Статья целиком: https://help.example.test/articles/7');
  });

  it('holds the line when no article matched', () => {
    expect(fallbackReply({ customerName: '', locale: 'en', articles: [] })).toBe('Hello,\n\nthank you for your message. We are looking into it and will get back to you shortly.\n');
  });
});

describe('articleSteps', () => {
  it('keeps at most eight non-empty lines', () => {
    expect(articleSteps(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n\n'))).toHaveLength(8);
  });
});

describe('streamPieces', () => {
  it('cuts text into words that join back to it', () => {
    const text = 'Hello Anna,\n\nthank you.';
    const pieces = streamPieces(text);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(text);
  });
});

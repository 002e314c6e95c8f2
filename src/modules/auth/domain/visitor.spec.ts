import { type AddressHolder, mayChatAsVisitor, parseVisitKey, visitGoesOn, visitKey } from '#src/modules/auth/domain/visitor.js';

describe('mayChatAsVisitor', () => {
  it.each<[string, AddressHolder, boolean]>([
    ['a contact (customer without a password)', { role: 'client', isActive: true, hasPassword: false }, true],
    ['a customer account with a password', { role: 'client', isActive: true, hasPassword: true }, false],
    ['a deactivated contact', { role: 'client', isActive: false, hasPassword: false }, false],
    ['an agent', { role: 'agent', isActive: true, hasPassword: true }, false],
    ['an admin without a password', { role: 'admin', isActive: true, hasPassword: false }, false],
  ])('%s: %s', (_name, holder, expected) => {
    expect(mayChatAsVisitor(holder)).toBe(expected);
  });
});

describe('visitGoesOn', () => {
  const start = new Date('2026-11-01T10:00:00Z');
  it.each<[string, string, boolean]>([
    ['at once', '2026-11-01T10:00:00Z', true],
    ['a day later', '2026-11-02T10:00:00Z', true],
    ['a second before 30 days', '2026-12-01T09:59:59Z', true],
    ['at 30 days', '2026-12-01T10:00:00Z', false],
    ['after 30 days', '2026-12-05T10:00:00Z', false],
  ])('%s: %s', (_name, now, expected) => {
    expect(visitGoesOn(start, new Date(now))).toBe(expected);
  });
});

describe('visit keys', () => {
  const secret = 'A'.repeat(21) + '-_' + 'z9'.repeat(10);
  it('names their session', () => {
    expect(parseVisitKey(visitKey(42, secret))?.sessionId).toBe(42);
  });
  it.each<[string, string]>([
    ['no session', `.${secret}`],
    ['session 0', `0.${secret}`],
    ['a leading zero', `042.${secret}`],
    ['past the integer range', `2147483648.${secret}`],
    ['a short secret', `42.${secret.slice(1)}`],
    ['a long secret', `42.${secret}A`],
    ['a character outside base64url', `42.${secret.slice(1)}+`],
    ['no dot', `42${secret}`],
    ['empty', ''],
  ])('refuses %s', (_name, key) => {
    expect(parseVisitKey(key)).toBeNull();
  });
});

import { type AddressHolder, mayChatAsVisitor } from '#src/modules/auth/domain/visitor.js';

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

import { maySeeTicket, type TicketOwnership, type TicketViewer, type VisitorFacts, visitorVerified, customerNameFor } from '#src/modules/tickets/domain/ticket-access.js';

const customer: TicketViewer = { id: 7, role: 'client' };
const visitor: TicketViewer = { id: 7, role: 'client', visitorSessionId: 3 };

describe('maySeeTicket', () => {
  it.each<[string, TicketViewer, TicketOwnership, boolean]>([
    ['an agent, any ticket', { id: 1, role: 'agent' }, { clientId: 7, visitorSessionId: null }, true],
    ['an admin, a visitor’s ticket', { id: 2, role: 'admin' }, { clientId: 7, visitorSessionId: 3 }, true],
    ['a customer, its own ticket', customer, { clientId: 7, visitorSessionId: null }, true],
    ['a customer, its own ticket opened as a visitor', customer, { clientId: 7, visitorSessionId: 3 }, true],
    ['a customer, another’s ticket', customer, { clientId: 8, visitorSessionId: null }, false],
    ['a visitor, a ticket of its session', visitor, { clientId: 7, visitorSessionId: 3 }, true],
    ['a visitor, the address’s ticket opened otherwise (e-mail, signed in)', visitor, { clientId: 7, visitorSessionId: null }, false],
    ['a visitor, the address’s ticket of another visitor session', visitor, { clientId: 7, visitorSessionId: 4 }, false],
    ['a visitor, another customer’s ticket of the same session number', visitor, { clientId: 8, visitorSessionId: 3 }, false],
  ])('%s: %s', (_name, viewer, ticket, expected) => {
    expect(maySeeTicket(viewer, ticket)).toBe(expected);
  });
});

describe('visitorVerified', () => {
  it.each<[string, VisitorFacts, boolean]>([
    ['the address is still a contact without a password (anyone may have typed it)', { addressHasPassword: false }, false],
    ['the address got a password (the claim link, then a login)', { addressHasPassword: true }, true],
  ])('%s: %s', (_name, facts, expected) => {
    expect(visitorVerified(facts)).toBe(expected);
  });
});

describe('customerNameFor', () => {
  it.each<[string, Parameters<typeof customerNameFor>[1], string]>([
    ['a ticket opened otherwise', null, 'Anna Real'],
    ['a visitor whose address is not proven', { name: 'Bob', address_has_password: false }, 'Bob'],
    ['a visitor whose address got a password since', { name: 'Bob', address_has_password: true }, 'Anna Real'],
  ])('%s', (_name, visitor, expected) => {
    expect(customerNameFor('Anna Real', visitor)).toBe(expected);
  });
});

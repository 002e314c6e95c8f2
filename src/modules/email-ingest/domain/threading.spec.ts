import { decideThread, messageIdsIn, subjectTicketId, type ThreadCandidate } from '#src/modules/email-ingest/domain/threading.js';

describe('messageIdsIn', () => {
  it.each([
    ['<a@example.test>', ['a@example.test']],
    ['<a@x> <b@y>\r\n <c@z>', ['a@x', 'b@y', 'c@z']],
    [['<a@x>', '<b@y> <a@x>'], ['a@x', 'b@y']],
    ['no brackets here', []],
    [undefined, []],
    ['<broken <ok@x>', ['ok@x']],
  ] as const)('%j → %j', (header, ids) => {
    expect(messageIdsIn(header as string | string[] | undefined)).toEqual(ids);
  });
});

describe('subjectTicketId', () => {
  it.each([
    ['Re: [#42] Printer on fire', 42],
    ['AW: AW: [#7] Сбой сайта', 7],
    ['[#0] zero is no ticket', null],
    ['[#99999999999] too big', null],
    ['#42 without brackets', null],
    [null, null],
  ] as const)('%j → %j', (subject, id) => {
    expect(subjectTicketId(subject)).toBe(id);
  });
});

describe('decideThread', () => {
  const now = new Date('2026-12-10T12:00:00Z');
  const ticket = (overrides: Partial<ThreadCandidate> = {}): ThreadCandidate => ({ ticketId: 5, clientEmail: 'ann@example.test', closedAt: null, unverifiedVisitor: false, ...overrides });
  it.each([
    ['a reply naming our Message-ID', 'someone@else.test', ticket(), null, { kind: 'reply', ticketId: 5, via: 'headers' }],
    ['the subject tag from the ticket\'s client (any case)', 'Ann@Example.test', null, ticket(), { kind: 'reply', ticketId: 5, via: 'subject' }],
    ['the subject tag from a stranger opens a new ticket', 'eve@example.test', null, ticket(), { kind: 'new', linkedTicketId: null }],
    ['headers win over the subject', 'ann@example.test', ticket({ ticketId: 9 }), ticket(), { kind: 'reply', ticketId: 9, via: 'headers' }],
    ['nothing matches: a new ticket', 'ann@example.test', null, null, { kind: 'new', linkedTicketId: null }],
    ['closed 3 days ago: reopens it', 'ann@example.test', ticket({ closedAt: new Date('2026-12-07T12:00:00Z') }), null, { kind: 'reply', ticketId: 5, via: 'headers' }],
    ['closed 8 days ago: a new ticket linking it', 'ann@example.test', ticket({ closedAt: new Date('2026-12-02T11:00:00Z') }), null, { kind: 'new', linkedTicketId: 5 }],
    ['a reply to an unverified visitor\'s chat: a new ticket linking it', 'ann@example.test', ticket({ unverifiedVisitor: true }), null, { kind: 'new', linkedTicketId: 5 }],
    ['the subject tag of an unverified visitor\'s chat: a new ticket linking it', 'ann@example.test', null, ticket({ unverifiedVisitor: true }), { kind: 'new', linkedTicketId: 5 }],
  ])('%s', (_case, fromEmail, byHeaders, bySubject, decision) => {
    expect(decideThread({ fromEmail }, byHeaders, bySubject, now)).toEqual(decision);
  });
});

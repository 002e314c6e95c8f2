import { mailForReply, newlyAssignedAgent, resolvedNow } from '#src/modules/notifications/domain/notification-rules.js';

describe('mailForReply', () => {
  it.each([
    ['agent', 'email', false, 'reply'],
    ['agent', 'email', true, 'reply'], // the e-mail thread is the conversation, online or not
    ['agent', 'web', false, 'reply_notification'],
    ['agent', 'chat', false, 'reply_notification'],
    ['agent', 'api', false, 'reply_notification'],
    ['agent', 'web', true, null],
    ['bot', 'email', false, null],
    ['system', 'web', false, null],
    ['client', 'email', false, null],
  ] as const)('%s on a %s ticket, customer online %s: %s', (authorType, source, customerOnline, kind) => {
    expect(mailForReply({ authorType, source, customerOnline })).toBe(kind);
  });
});

describe('resolvedNow', () => {
  it.each([
    ['in_progress', 'resolved', true],
    ['waiting_customer', 'resolved', true],
    ['resolved', 'resolved', false],
    ['resolved', 'closed', false],
    ['open', 'in_progress', false],
  ])('%s → %s: %s', (from, to, mail) => {
    expect(resolvedNow({ previous: { status: from, agentId: null }, status: to, agentId: null, actorId: 1 })).toBe(mail);
  });
});

describe('newlyAssignedAgent', () => {
  it.each([
    [null, 7, 1, 7],
    [3, 7, 1, 7],
    [null, 7, null, 7], // automatic assignment
    [7, 7, 1, null], // no change
    [null, 7, 7, null], // took it itself
    [7, null, 1, null], // unassigned
  ])('from %s to %s by %s: mail %s', (from, to, actor, agent) => {
    expect(newlyAssignedAgent({ previous: { status: 'open', agentId: from }, status: 'in_progress', agentId: to, actorId: actor })).toBe(agent);
  });
});

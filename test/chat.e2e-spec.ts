import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Namespace } from 'socket.io';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import { RealtimePublisher } from '#src/modules/chat/realtime.publisher.js';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, TEST_ENV, type TestApp } from './utils/create-test-app.js';
import { handMadeJwt } from './utils/jwt.js';
import { collect, connect, disconnected, next, request, socketPool } from './utils/socket.js';
import { waitFor } from './utils/wait.js';

interface Ack {
  ok: boolean;
  error?: { status_code: number; error: string; message: string };
  [key: string]: unknown;
}
type Message = { id: number; ticket_id: number; content: string; author_id: number; is_from_agent: boolean };

describe('live chat over Socket.IO', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  const sockets = socketPool(() => t.baseUrl);
  const { open } = sockets;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  describe('handshake', () => {
    it.each([
      ['no token', undefined],
      ['a malformed token', 'not-a-jwt'],
      ['a token signed with another key', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl'],
    ])('refuses %s with "unauthorized"', async (_, token) => {
      await expect(connect(t.baseUrl, token)).rejects.toThrow('unauthorized');
    });

    it('refuses a token after logout', async () => {
      const user = await signedIn(t);
      await t.http.post('/api/v1/auth/logout').set(user.auth).expect(204);
      await expect(connect(t.baseUrl, user.token)).rejects.toThrow('unauthorized');
    });

    it('refuses with "unavailable", not "unauthorized", when the database fails during the check', async () => {
      const user = await signedIn(t); // a fresh token: not cached, so the handshake reads the database
      await t.db.query('ALTER TABLE revoked_tokens RENAME TO revoked_tokens_away');
      try {
        await expect(connect(t.baseUrl, user.token)).rejects.toThrow('unavailable');
      } finally {
        await t.db.query('ALTER TABLE revoked_tokens_away RENAME TO revoked_tokens');
      }
      expect((await open(user)).connected).toBe(true);
    });

    it('disconnects a socket whose token was revoked between the handshake and joining its rooms', async () => {
      const user = await signedIn(t);
      const tokens = t.app.get(TokensService);
      const verify = tokens.verify.bind(tokens);
      // The revocation's disconnect goes through the Socket.IO adapter (it tells the other
      // instances first): watch it finish rather than guess how long that takes.
      const adapter = (t.app.get(RealtimePublisher) as unknown as { namespace: Namespace }).namespace.adapter;
      const roomDisconnects = jest.spyOn(adapter, 'disconnectSockets');
      // The handshake's check passes, then the user logs out before the socket is in its rooms.
      const spy = jest.spyOn(tokens, 'verify').mockImplementationOnce(async (token) => {
        const verified = await verify(token);
        await t.http.post('/api/v1/auth/logout').set(user.auth).expect(204);
        await waitFor(() => roomDisconnects.mock.results.length > 0);
        await roomDisconnects.mock.results[0]!.value; // done, and it found no socket in the rooms
        return verified;
      });
      try {
        const socket = await open(user);
        await disconnected(socket, 3000);
      } finally {
        spy.mockRestore();
        roomDisconnects.mockRestore();
      }
    });

    it('keeps a 30-day token connected (longer than a timer can wait) and ends a token at its expiry', async () => {
      const jwt = (user: SignedInUser, seconds: number) =>
        handMadeJwt({ sub: user.user.id, jti: randomUUID(), ver: user.user.tokenVersion, exp: Math.floor(Date.now() / 1000) + seconds }, TEST_ENV.JWT_SECRET);
      const longLived = await open(jwt(client, 30 * 86_400));
      const shortLived = await open(jwt(client, 2));
      await disconnected(shortLived, 4000);
      expect(longLived.connected).toBe(true);
      expect((await request<Ack>(longLived, 'ticket:create', { title: 'Still here', description: 'Details of the problem' })).ok).toBe(true);
    });
  });

  describe('unknown events', () => {
    it('answers an event with no handler with not_found and keeps the connection', async () => {
      const socket = await open(client);
      expect(await request<Ack>(socket, 'no:such:event', {})).toEqual({
        ok: false,
        error: { status_code: 404, error: 'not_found', message: 'Unknown event', details: [] },
      });
      expect(await request<Ack>(socket, 'no:such:event')).toMatchObject({ ok: false, error: { error: 'not_found' } });
      socket.emit('no:such:event', { without: 'an ack' });
      // The real handlers still answer.
      expect(await request<Ack>(socket, 'ticket:create', { title: 'After unknown events', description: 'Details of the problem' })).toMatchObject({ ok: true });
      expect(await request<Ack>(socket, 'typing', { ticket_id: 1 })).toMatchObject({ ok: false, error: { error: 'not_found', message: 'Join the ticket first' } });
      expect(socket.connected).toBe(true);
    });
  });

  it('runs the widget flow: create a ticket over the socket, chat with an agent in its room', async () => {
    const agentSocket = await open(agent);
    const created = next<{ id: number; source: string }>(agentSocket, 'ticket:created');
    const customer = await open(client);
    const ack = await request<Ack>(customer, 'ticket:create', { title: 'Widget question', description: 'How do I export?', priority: 'high' });
    expect(ack).toMatchObject({ ok: true, ticket_id: expect.any(Number) });
    const ticketId = ack.ticket_id as number;
    expect(await created).toMatchObject({ id: ticketId, source: 'chat' });

    const joined = await request<Ack>(agentSocket, 'ticket:join', { ticket_id: ticketId });
    expect(joined).toMatchObject({ ok: true, messages: [], has_more: false });

    const toAgent = next<Message>(agentSocket, 'message:new');
    const sent = await request<Ack>(customer, 'message:send', { ticket_id: ticketId, content: 'Hello?' });
    expect(sent).toMatchObject({ ok: true, message: { ticket_id: ticketId, content: 'Hello?', author_id: client.user.id, is_from_agent: false } });
    expect(await toAgent).toEqual(sent.message);

    const toCustomer = next<Message>(customer, 'message:new', (m) => m.is_from_agent);
    await request<Ack>(agentSocket, 'message:send', { ticket_id: ticketId, content: 'Use the Export button' });
    expect(await toCustomer).toMatchObject({ content: 'Use the Export button', author_id: agent.user.id });

    // Stored before it was announced: REST sees the same thread.
    const thread = await t.http.get(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).expect(200);
    expect(thread.body.items.map((m: Message) => m.content)).toEqual(['Hello?', 'Use the Export button']);
  });

  it('delivers messages posted over REST to the room', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const customer = await open(client);
    await request(customer, 'ticket:join', { ticket_id: ticket.id });
    const arrived = next<Message>(customer, 'message:new');
    const res = await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(agent.auth).send({ content: 'Sent from the REST API' }).expect(201);
    expect(await arrived).toEqual(res.body);
  });

  it('stores and broadcasts one message for a repeated client_msg_id', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const customer = await open(client);
    const watcher = await open(agent);
    await request(customer, 'ticket:join', { ticket_id: ticket.id });
    await request(watcher, 'ticket:join', { ticket_id: ticket.id });
    const broadcasts = collect<Message>(watcher, 'message:new');
    const first = await request<Ack>(customer, 'message:send', { ticket_id: ticket.id, content: 'Once only', client_msg_id: 'retry-1' });
    const retry = await request<Ack>(customer, 'message:send', { ticket_id: ticket.id, content: 'Once only', client_msg_id: 'retry-1' });
    expect(retry).toEqual(first);
    // A barrier, not a pause: a broadcast for the retry would have gone out before this later one.
    const later = await request<Ack>(customer, 'message:send', { ticket_id: ticket.id, content: 'Later' });
    await waitFor(() => broadcasts.length >= 2);
    expect(broadcasts).toEqual([first.message, later.message]);
    const stored = await t.db.query('SELECT content FROM messages WHERE ticket_id = $1 ORDER BY id', [ticket.id]);
    expect(stored).toEqual([{ content: 'Once only' }, { content: 'Later' }]);
  });

  it('replays what a reconnecting console missed with since_message_id', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const customer = await open(client);
    await request(customer, 'ticket:join', { ticket_id: ticket.id });
    const ids: number[] = [];
    for (const content of ['one', 'two', 'three', 'four']) {
      ids.push(((await request<Ack>(customer, 'message:send', { ticket_id: ticket.id, content })).message as Message).id);
    }
    const console = await open(agent);
    const replay = await request<Ack>(console, 'ticket:join', { ticket_id: ticket.id, since_message_id: ids[1] });
    expect((replay.messages as Message[]).map((m) => m.content)).toEqual(['three', 'four']);
    const all = await request<Ack>(console, 'ticket:join', { ticket_id: ticket.id });
    expect((all.messages as Message[]).map((m) => m.id)).toEqual(ids);
  });

  it('lets a client join only its own tickets (others are not_found)', async () => {
    const theirs = await createTicket(t.db);
    const customer = await open(client);
    const res = await request<Ack>(customer, 'ticket:join', { ticket_id: theirs.id });
    expect(res).toMatchObject({ ok: false, error: { status_code: 404, error: 'not_found' } });
    const send = await request<Ack>(customer, 'message:send', { ticket_id: theirs.id, content: 'hi' });
    expect(send.error?.error).toBe('not_found');
    // An agent may join any ticket.
    expect((await request<Ack>(await open(agent), 'ticket:join', { ticket_id: theirs.id })).ok).toBe(true);
  });

  it('relays typing to the others in the room and stores nothing', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const customer = await open(client);
    const console = await open(agent);
    await request(customer, 'ticket:join', { ticket_id: ticket.id });
    await request(console, 'ticket:join', { ticket_id: ticket.id });
    const echoes = collect(customer, 'typing');
    const seen = next(console, 'typing');
    expect(await request<Ack>(customer, 'typing', { ticket_id: ticket.id })).toEqual({ ok: true });
    expect(await seen).toEqual({ ticket_id: ticket.id, user_id: client.user.id });
    // A barrier: an echo of the customer's signal would reach the customer before the agent's.
    await request<Ack>(console, 'typing', { ticket_id: ticket.id });
    await waitFor(() => echoes.length > 0);
    expect(echoes).toEqual([{ ticket_id: ticket.id, user_id: agent.user.id }]);
    const outsider = await open(agent);
    expect((await request<Ack>(outsider, 'typing', { ticket_id: ticket.id })).ok).toBe(false);
  });

  it('sends ticket:assigned to the assigned agent’s own room only', async () => {
    const other = await signedIn(t, { role: 'agent' });
    const mine = await open(agent);
    const theirs = await open(other);
    const assigned = collect(theirs, 'ticket:assigned');
    const ticket = await createTicket(t.db);
    const arrived = next<{ id: number; agent_id: number }>(mine, 'ticket:assigned');
    await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(other.auth).send({ agent_id: agent.user.id }).expect(200);
    expect(await arrived).toMatchObject({ id: ticket.id, agent_id: agent.user.id });
    // A barrier: the other agent's own assignment comes after anything the first one sent them.
    const theirTicket = await createTicket(t.db);
    await t.http.post(`/api/v1/tickets/${theirTicket.id}/assign`).set(agent.auth).send({ agent_id: other.user.id }).expect(200);
    await waitFor(() => assigned.length > 0);
    expect(assigned).toEqual([expect.objectContaining({ id: theirTicket.id, agent_id: other.user.id })]);
  });

  it('sends ticket:updated to agents when a ticket changes', async () => {
    const ticket = await createTicket(t.db);
    const console = await open(agent);
    const updated = next<{ id: number; status: string }>(console, 'ticket:updated', (x) => x.id === ticket.id);
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'in_progress' }).expect(200);
    expect(await updated).toMatchObject({ id: ticket.id, status: 'in_progress' });
  });

  describe('bad input', () => {
    // Chat limits are per user: each test speaks as a user of its own, so earlier events do not count.
    it.each([
      ['message:send', undefined, 'validation_failed'],
      ['message:send', 'just a string', 'validation_failed'],
      ['message:send', { ticket_id: 'one', content: 'x' }, 'validation_failed'],
      ['message:send', { ticket_id: 1 }, 'validation_failed'],
      ['message:send', { ticket_id: 1, content: '   ' }, 'validation_failed'],
      ['message:send', { ticket_id: 1, content: 'x', extra: true }, 'validation_failed'],
      ['message:send', { ticket_id: 99999999, content: 'x' }, 'not_found'],
      ['ticket:join', { ticket_id: -1 }, 'validation_failed'],
      ['ticket:create', { title: '', description: 'Details of the problem' }, 'validation_failed'],
      ['ticket:create', { title: 'Help', description: 'Details of the problem', priority: 'asap' }, 'validation_failed'],
      ['typing', [], 'validation_failed'],
    ])('%s with %j answers %s and keeps the connection', async (event, payload, code) => {
      const socket = await open(await signedIn(t));
      const res = await request<Ack>(socket, event, payload);
      expect(res).toMatchObject({ ok: false, error: { error: code, status_code: expect.any(Number), message: expect.any(String) } });
      expect(socket.connected).toBe(true);
    });

    it('answers a huge payload with payload_too_large and keeps the connection', async () => {
      const socket = await open(await signedIn(t));
      const res = await request<Ack>(socket, 'message:send', { ticket_id: 1, content: 'x'.repeat(100_000) });
      expect(res).toMatchObject({ ok: false, error: { status_code: 413, error: 'payload_too_large' } });
      expect(socket.connected).toBe(true);
      expect((await request<Ack>(socket, 'ticket:create', { title: 'Still here', description: 'Details of the problem' })).ok).toBe(true);
    });

    it('rate-limits a socket that sends too fast', async () => {
      const sender = await signedIn(t);
      const ticket = await createTicket(t.db, { clientId: sender.user.id });
      const socket = await open(sender);
      const answers = [];
      for (let i = 0; i < 22; i += 1) answers.push(await request<Ack>(socket, 'message:send', { ticket_id: ticket.id, content: `m${i}` }));
      expect(answers.slice(0, 20).every((a) => a.ok)).toBe(true);
      expect(answers[20]).toMatchObject({ ok: false, error: { error: 'rate_limited', status_code: 429 } });
      expect(socket.connected).toBe(true);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticket.id]);
      expect(count).toBe(20);
    });

    it('rate-limits ticket:join on its own bucket', async () => {
      const sender = await signedIn(t);
      const ticket = await createTicket(t.db, { clientId: sender.user.id });
      const socket = await open(sender);
      const answers = [];
      for (let i = 0; i < 31; i += 1) answers.push(await request<Ack>(socket, 'ticket:join', { ticket_id: ticket.id }));
      expect(answers.slice(0, 30).every((a) => a.ok)).toBe(true);
      expect(answers[30]).toMatchObject({ ok: false, error: { error: 'rate_limited', status_code: 429 } });
      expect(socket.connected).toBe(true);
      // Sending is counted apart from joining.
      expect((await request<Ack>(socket, 'message:send', { ticket_id: ticket.id, content: 'still allowed' })).ok).toBe(true);
    });
  });

  describe('ending sessions', () => {
    it('logout disconnects that token’s sockets and leaves the user’s other tokens connected', async () => {
      const user = await signedIn(t);
      const other = await t.http.post('/api/v1/auth/login').send({ email: user.user.email, password: 'correct-horse-42' }).expect(200);
      const first = await open(user);
      const second = await open(other.body.access_token as string);
      const gone = new Promise((resolve) => first.once('disconnect', resolve));
      await t.http.post('/api/v1/auth/logout').set(user.auth).expect(204);
      await gone;
      // A barrier: had the logout closed this socket too, the close would arrive before this answer.
      expect(await request<Ack>(second, 'ticket:create', { title: 'Still here', description: 'Details of the problem' })).toMatchObject({ ok: true });
      expect(second.connected).toBe(true);
    });

    it('deactivation disconnects every socket of the user', async () => {
      const admin = await signedIn(t, { role: 'admin' });
      const user = await signedIn(t, { role: 'agent' });
      const socket = await open(user);
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));
      await t.http.patch(`/api/v1/users/${user.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
      await gone;
      await expect(connect(t.baseUrl, user.token)).rejects.toThrow('unauthorized');
    });
  });

  it('records agent presence while connected', async () => {
    const user = await signedIn(t, { role: 'agent' });
    const count = async () => (await t.db.query('SELECT coalesce(sum(connections), 0)::int AS n FROM agent_presence WHERE user_id = $1', [user.user.id]))[0].n;
    const a = await open(user);
    const b = await open(user);
    await waitFor(async () => (await count()) === 2);
    a.close();
    b.close();
    await waitFor(async () => (await count()) === 0);
  });

  it('puts presence right on the heartbeat: rows deleted as stale come back, rows left by a failed write go', async () => {
    const user = await signedIn(t, { role: 'agent' });
    const gone = await signedIn(t, { role: 'agent' });
    const presence = t.app.get(PresenceService);
    const count = async (id: number) =>
      (await t.db.query('SELECT coalesce(sum(connections), 0)::int AS n FROM agent_presence WHERE user_id = $1', [id]))[0].n as number;
    await open(user);
    await waitFor(async () => (await count(user.user.id)) === 1);
    // Another instance's clean-up deleted our row while this one stalled ...
    await t.db.query('DELETE FROM agent_presence WHERE user_id = $1', [user.user.id]);
    // ... and the write for a disconnect failed, leaving a row for an agent who is not here.
    await t.db.query('INSERT INTO agent_presence (instance_id, user_id, connections) VALUES ($1, $2, 1)', [presence.instanceId, gone.user.id]);
    await presence.heartbeat();
    expect(await count(user.user.id)).toBe(1);
    expect(await count(gone.user.id)).toBe(0);
  });
});

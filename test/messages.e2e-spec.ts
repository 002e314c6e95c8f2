import { EventEmitter2 } from '@nestjs/event-emitter';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { waitFor } from './utils/wait.js';

describe('messages', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false', DOCS_ENABLED: 'true' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
  });
  afterAll(() => t.close());

  const send = (who: SignedInUser, ticketId: number, body: object) => t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(who.auth).send(body);

  it('stores messages from the client and agents and lists the thread in order', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const first = await send(client, ticket.id, { content: 'Hello?' }).expect(201);
    expect(first.body).toMatchObject({ ticket_id: ticket.id, author_id: client.user.id, author_type: 'client', is_from_agent: false, content: 'Hello?' });
    const reply = await send(agent, ticket.id, { content: 'Hi, looking into it' }).expect(201);
    expect(reply.body).toMatchObject({ author_id: agent.user.id, author_type: 'agent', is_from_agent: true });
    const thread = await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).expect(200);
    expect(thread.body.items.map((m: { content: string }) => m.content)).toEqual(['Hello?', 'Hi, looking into it']);
    expect(thread.body.next_cursor).toBeNull();
  });

  it('pages a long thread with a cursor', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    for (let i = 0; i < 5; i += 1) await send(client, ticket.id, { content: `m${i}` }).expect(201);
    const page1 = await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).query({ limit: 3 }).set(agent.auth).expect(200);
    const page2 = await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).query({ limit: 3, cursor: page1.body.next_cursor }).set(agent.auth).expect(200);
    expect([...page1.body.items, ...page2.body.items].map((m: { content: string }) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(page2.body.next_cursor).toBeNull();
  });

  it('hides another customer’s thread with 404 and stores nothing', async () => {
    const theirs = await createTicket(t.db);
    await t.http.get(`/api/v1/tickets/${theirs.id}/messages`).set(client.auth).expect(404);
    await send(client, theirs.id, { content: 'Let me in' }).expect(404);
    await send(client, 99999999, { content: 'Nobody here' }).expect(404);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [theirs.id]);
    expect(count).toBe(0);
  });

  /**
   * Holds the ticket's row lock in a transaction of the test's own, changes the ticket there, and
   * commits only once `send` is seen waiting for that lock: the message must see the change.
   */
  async function sendWhileTicketChanges(ticketId: number, change: string, sendIt: () => Promise<{ status: number }>): Promise<{ status: number }> {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
      await runner.query(change, [ticketId]);
      const pending = sendIt().then((res) => res); // supertest sends on then()
      await waitFor(async () => {
        const [{ waiting }] = await t.db.query(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return waiting > 0;
      });
      await runner.commitTransaction();
      return await pending;
    } finally {
      await runner.release();
    }
  }

  it('moves a ticket that became waiting_customer while the customer’s message was on its way', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const res = await sendWhileTicketChanges(ticket.id, "UPDATE tickets SET status = 'waiting_customer' WHERE id = $1", () =>
      send(client, ticket.id, { content: 'Here is the screenshot' }),
    );
    expect(res.status).toBe(201);
    const [row] = await t.db.query('SELECT status FROM tickets WHERE id = $1', [ticket.id]);
    expect(row.status).toBe('in_progress');
  });

  it('refuses a message to a ticket closed while the message was on its way, and stores nothing', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const res = await sendWhileTicketChanges(ticket.id, "UPDATE tickets SET status = 'closed', closed_at = now(), resolved_at = now() WHERE id = $1", () =>
      send(client, ticket.id, { content: 'One more thing' }),
    );
    expect(res.status).toBe(409);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticket.id]);
    expect(count).toBe(0);
  });

  it('gives messages on one ticket ids in the order they are stored, so a replay after the last seen id misses none', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id, firstResponseAt: new Date() });
    // A message whose transaction is still open holds an id; one sent meanwhile must not get a
    // higher id and be visible first.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1 FROM tickets WHERE id = $1 FOR NO KEY UPDATE', [ticket.id]);
      const [held] = await runner.query(
        "INSERT INTO messages (ticket_id, author_id, author_type, is_from_agent, content) VALUES ($1, $2, 'agent', true, 'slow') RETURNING id",
        [ticket.id, agent.user.id],
      );
      const pending = send(client, ticket.id, { content: 'fast' }).then((res) => res); // supertest sends on then()
      await waitFor(async () => {
        const [{ waiting }] = await t.db.query(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return waiting > 0;
      });
      await runner.commitTransaction();
      const fast = await pending;
      expect(fast.status).toBe(201);
      expect(fast.body.id).toBeGreaterThan(held.id);
    } finally {
      await runner.release();
    }
  });

  it('stamps first_response_at on the first agent message only', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    await send(client, ticket.id, { content: 'Still broken' }).expect(201);
    let [row] = await t.db.query('SELECT first_response_at FROM tickets WHERE id = $1', [ticket.id]);
    expect(row.first_response_at).toBeNull();
    const reply = await send(agent, ticket.id, { content: 'On it' }).expect(201);
    [row] = await t.db.query('SELECT first_response_at FROM tickets WHERE id = $1', [ticket.id]);
    expect(row.first_response_at.toISOString()).toBe(reply.body.created_at);
    await send(agent, ticket.id, { content: 'Update' }).expect(201);
    const [again] = await t.db.query('SELECT first_response_at FROM tickets WHERE id = $1', [ticket.id]);
    expect(again.first_response_at.toISOString()).toBe(reply.body.created_at);
  });

  it.each([
    ['waiting_customer', 'in_progress'],
    ['resolved', 'open'],
    ['open', 'open'],
    ['in_progress', 'in_progress'],
  ] as const)('a customer message on a %s ticket leaves it %s', async (status, expected) => {
    const ticket = await createTicket(t.db, { clientId: client.user.id, status, resolvedAt: status === 'resolved' ? new Date() : null });
    await send(client, ticket.id, { content: 'Any news?' }).expect(201);
    const res = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(client.auth).expect(200);
    expect(res.body.status).toBe(expected);
    if (status === 'resolved') expect(res.body.resolved_at).toBeNull();
  });

  it('an agent message leaves a waiting ticket waiting', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id, status: 'waiting_customer' });
    await send(agent, ticket.id, { content: 'Reminder' }).expect(201);
    const [row] = await t.db.query('SELECT status FROM tickets WHERE id = $1', [ticket.id]);
    expect(row.status).toBe('waiting_customer');
  });

  it('refuses messages on a closed ticket with 409', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id, status: 'closed', resolvedAt: new Date(), closedAt: new Date() });
    const res = await send(client, ticket.id, { content: 'Hello again' }).expect(409);
    expect(res.body.error).toBe('conflict');
    await send(agent, ticket.id, { content: 'Hello again' }).expect(409);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticket.id]);
    expect(count).toBe(0);
  });

  it('stores one message for a repeated client_msg_id, sequentially and concurrently', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    // 201 for the message stored now, 200 for a repeat that returns it.
    const a = await send(client, ticket.id, { content: 'Once', client_msg_id: 'abc-1' }).expect(201);
    const b = await send(client, ticket.id, { content: 'Once', client_msg_id: 'abc-1' }).expect(200);
    expect(b.body).toEqual(a.body);
    const racing = await Promise.all(Array.from({ length: 5 }, () => send(client, ticket.id, { content: 'Race', client_msg_id: 'race-1' })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticket.id]);
    expect(count).toBe(2);
    // Another author may use the same id.
    const other = await send(agent, ticket.id, { content: 'Mine', client_msg_id: 'abc-1' }).expect(201);
    expect(other.body.id).not.toBe(a.body.id);
    // The same id on another ticket is a conflict, not a silent replay.
    const second = await createTicket(t.db, { clientId: client.user.id });
    await send(client, second.id, { content: 'Once', client_msg_id: 'abc-1' }).expect(409);
    // ...and on someone else's ticket it is a 404 like any other message there.
    const theirs = await createTicket(t.db);
    await send(client, theirs.id, { content: 'Once', client_msg_id: 'abc-1' }).expect(404);
  });

  it('answers a retried send with the stored message even after the ticket was closed', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const first = await send(client, ticket.id, { content: 'Bye', client_msg_id: 'last-words' }).expect(201);
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(client.auth).send({ status: 'closed' }).expect(200);
    const retry = await send(client, ticket.id, { content: 'Bye', client_msg_id: 'last-words' }).expect(200);
    expect(retry.body).toEqual(first.body);
    await send(client, ticket.id, { content: 'Something new' }).expect(409);
  });

  it.each([
    ['blank content', { content: '   ' }],
    ['missing content', {}],
    ['content over 20,000 characters', { content: 'x'.repeat(20_001) }],
    ['a number as content', { content: 42 }],
    ['an unknown field', { content: 'x', is_from_agent: true }],
    ['a blank client_msg_id', { content: 'x', client_msg_id: '' }],
  ])('answers 422 for %s', async (_, body) => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    await send(client, ticket.id, body).expect(422);
  });

  it('lets agents delete a message; clients get 403', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const message = await send(client, ticket.id, { content: 'Oops, my card number' }).expect(201);
    await t.http.delete(`/api/v1/messages/${message.body.id}`).set(client.auth).expect(403);
    await t.http.delete(`/api/v1/messages/${message.body.id}`).set(agent.auth).expect(204);
    await t.http.delete(`/api/v1/messages/${message.body.id}`).set(agent.auth).expect(404);
    const thread = await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).expect(200);
    expect(thread.body.items).toEqual([]);
  });

  it('publishes message.created after the message is stored, and not again for a repeated client_msg_id', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const emitter = t.app.get(EventEmitter2);
    // Events are emitted before the answer is sent: noted at once, checked against the table there and then.
    const seen: Promise<{ stored: boolean; id: number }>[] = [];
    const listener = (payload: { message: { id: number } }) => {
      const { id } = payload.message;
      seen.push(t.db.query('SELECT 1 FROM messages WHERE id = $1', [id]).then((rows: unknown[]) => ({ stored: rows.length === 1, id })));
    };
    emitter.on('message.created', listener);
    try {
      const first = await send(client, ticket.id, { content: 'Published?', client_msg_id: 'pub-1' }).expect(201);
      await send(client, ticket.id, { content: 'Published?', client_msg_id: 'pub-1' }).expect(200);
      const later = await send(client, ticket.id, { content: 'Later' }).expect(201);
      expect(await Promise.all(seen)).toEqual([
        { stored: true, id: first.body.id },
        { stored: true, id: later.body.id },
      ]);
    } finally {
      emitter.off('message.created', listener);
    }
  });

  it('documents 201 for a stored message and 200 for a repeated client_msg_id', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    const responses = doc.body.paths['/api/v1/tickets/{id}/messages'].post.responses;
    for (const status of ['200', '201']) {
      expect(responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MessageResponseDto' });
    }
  });
});

describe('notes', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
  });
  afterAll(() => t.close());

  it('lets agents write and read internal notes, kept out of the customer thread', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const note = await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'VIP customer' }).expect(201);
    expect(note.body).toMatchObject({ ticket_id: ticket.id, author_id: agent.user.id, content: 'VIP customer' });
    const list = await t.http.get(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).expect(200);
    expect(list.body.items.map((n: { content: string }) => n.content)).toEqual(['VIP customer']);
    const thread = await t.http.get(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).expect(200);
    expect(thread.body.items).toEqual([]);
  });

  it('answers a client with 404 on every note route, even on its own ticket', async () => {
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const note = await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'internal' }).expect(201);
    await t.http.get(`/api/v1/tickets/${ticket.id}/notes`).set(client.auth).expect(404);
    await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(client.auth).send({ content: 'sneaky' }).expect(404);
    await t.http.delete(`/api/v1/notes/${note.body.id}`).set(client.auth).expect(404);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM notes WHERE ticket_id = $1', [ticket.id]);
    expect(count).toBe(1);
  });

  it('lets an agent delete a note; validates content', async () => {
    const ticket = await createTicket(t.db);
    const note = await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'temp' }).expect(201);
    await t.http.delete(`/api/v1/notes/${note.body.id}`).set(agent.auth).expect(204);
    await t.http.delete(`/api/v1/notes/${note.body.id}`).set(agent.auth).expect(404);
    await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: '' }).expect(422);
    await t.http.post('/api/v1/tickets/99999999/notes').set(agent.auth).send({ content: 'x' }).expect(404);
  });
});

import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

describe('ticket history', () => {
  let t: TestApp;
  let agent: SignedInUser;
  let ticketId: number;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    agent = await signedIn(t, { role: 'agent' });
    ticketId = (await createTicket(t.db)).id;
    // 45 changes, oldest first by id.
    await t.db.query(
      `INSERT INTO ticket_events (ticket_id, actor_id, type, from_value, to_value)
       SELECT $1, $2, 'priority', 'low', 'p' || n FROM generate_series(1, 45) AS n`,
      [ticketId, agent.user.id],
    );
  });
  afterAll(() => t.close());

  const history = (query = '') => t.http.get(`/api/v1/tickets/${ticketId}/history${query}`).set(agent.auth);

  it('pages 20 events by default, oldest first, and walks to the end by cursor', async () => {
    const first = await history().expect(200);
    expect(first.body.items).toHaveLength(20);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(first.body.items[0]).toMatchObject({ ticket_id: ticketId, type: 'priority', from: 'low', to: 'p1', actor_id: agent.user.id });

    const seen: string[] = first.body.items.map((e: { to: string }) => e.to);
    let cursor: string | null = first.body.next_cursor;
    while (cursor) {
      const page = await history(`?limit=20&cursor=${encodeURIComponent(cursor)}`).expect(200);
      seen.push(...page.body.items.map((e: { to: string }) => e.to));
      cursor = page.body.next_cursor;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `p${i + 1}`));
  });

  it('honours ?limit= and ends with a null cursor', async () => {
    const small = await history('?limit=5').expect(200);
    expect(small.body.items.map((e: { to: string }) => e.to)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const all = await history('?limit=100').expect(200);
    expect(all.body).toEqual({ items: expect.any(Array), next_cursor: null });
    expect(all.body.items).toHaveLength(45);
  });

  it('keeps a page stable when new events arrive', async () => {
    const first = await history('?limit=40').expect(200);
    await t.db.query(`INSERT INTO ticket_events (ticket_id, actor_id, type, from_value, to_value) VALUES ($1, $2, 'priority', 'low', 'late')`, [
      ticketId,
      agent.user.id,
    ]);
    const rest = await history(`?limit=40&cursor=${encodeURIComponent(first.body.next_cursor)}`).expect(200);
    expect(rest.body.items.map((e: { to: string }) => e.to)).toEqual(['p41', 'p42', 'p43', 'p44', 'p45', 'late']);
  });

  it.each(['?limit=0', '?limit=101', '?limit=abc', '?cursor=garbage'])('refuses %s with 422 in the error shape', async (query) => {
    const res = await history(query).expect(422);
    expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed', details: expect.any(Array), request_id: expect.any(String) });
  });

  it('is for agents only: a client gets 403', async () => {
    const client = await signedIn(t);
    await t.http.get(`/api/v1/tickets/${ticketId}/history`).set(client.auth).expect(403);
  });
});

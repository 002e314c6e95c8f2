import { Clock } from '#src/common/clock.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import type { RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';
import type {} from '#src/modules/ratings/ratings.events.js';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { next, request, socketPool } from './utils/socket.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Ack {
  ok: boolean;
  rating?: RatingResponseDto;
  error?: { status_code: number; error: string; message: string };
}

describe('satisfaction ratings', () => {
  let t: TestApp;
  let client: SignedInUser;
  let stranger: SignedInUser;
  let alex: SignedInUser;
  let sam: SignedInUser;
  let admin: SignedInUser;
  let billing: number;
  /** The service's clock, moved by the tests. */
  let now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  /** What the rating.created in-transaction hook saw; `failHook` makes it throw (the rating must roll back). */
  const hookSaw: RatingResponseDto[] = [];
  let failHook = false;
  const sockets = socketPool(() => t.baseUrl);

  const ticketFor = async (agent: SignedInUser | null = alex, queueId: number | null = billing) =>
    (await createTicket(t.db, { clientId: client.user.id, agentId: agent?.user.id ?? null, queueId, status: 'in_progress' })).id;
  const setStatus = async (id: number, status: string, who: SignedInUser = alex) => {
    advance(MINUTE);
    await t.http.patch(`/api/v1/tickets/${id}`).set(who.auth).send({ status }).expect(200);
  };
  const rate = (id: number, body: object, who: SignedInUser = client) => t.http.post(`/api/v1/tickets/${id}/rating`).set(who.auth).send(body);
  const ratingOf = async (id: number, who: SignedInUser = alex) => (await t.http.get(`/api/v1/tickets/${id}/rating`).set(who.auth).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    t.app.get(Clock).now = () => new Date(now.getTime());
    t.app.get(InTransactionHooks).on('rating.created', {
      run: async (manager, rating) => {
        // Inside the rating's transaction: the row is there to see.
        const [row] = await manager.query(`SELECT score FROM ticket_ratings WHERE id = $1`, [rating.id]);
        hookSaw.push({ ...rating, score: row.score });
        if (failHook) throw new Error('hook failed');
      },
    });
    [client, stranger, alex, sam, admin] = await Promise.all([
      signedIn(t),
      signedIn(t),
      signedIn(t, { role: 'agent', name: 'Alex' }),
      signedIn(t, { role: 'agent', name: 'Sam' }),
      signedIn(t, { role: 'admin' }),
    ]);
    [{ id: billing }] = await t.db.query(`SELECT id FROM queues WHERE system_key = 'billing'`);
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  it('takes one rating per resolution from the ticket’s client: 409 before the resolution and for a second one', async () => {
    const id = await ticketFor();
    const early = await rate(id, { score: 5 }).expect(409);
    expect(early.body).toMatchObject({ status_code: 409, error: 'conflict' });
    expect(await ratingOf(id)).toEqual({ rating: null, can_rate: false, rate_until: null });

    await setStatus(id, 'resolved');
    const resolvedAt = now.toISOString();
    expect(await ratingOf(id, client)).toEqual({ rating: null, can_rate: true, rate_until: new Date(now.getTime() + 7 * DAY).toISOString() });
    advance(MINUTE);
    const created = await rate(id, { score: 4, comment: '  Quick and friendly  ' }).expect(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      ticket_id: id,
      score: 4,
      comment: 'Quick and friendly',
      client_id: client.user.id,
      agent_id: alex.user.id,
      queue_id: billing,
      resolved_at: resolvedAt,
      created_at: now.toISOString(),
    });
    expect(hookSaw.at(-1)).toEqual(created.body);

    const again = await rate(id, { score: 1 }).expect(409);
    expect(again.body.error).toBe('conflict');
    // Closing keeps the resolution: still rated.
    await setStatus(id, 'closed');
    await rate(id, { score: 1 }).expect(409);
    // Agents see it on the ticket.
    expect(await ratingOf(id)).toMatchObject({ rating: created.body, can_rate: false });
  });

  it('takes a new rating after a reopen and a new resolution', async () => {
    const id = await ticketFor();
    await setStatus(id, 'resolved');
    const first = (await rate(id, { score: 2 }).expect(201)).body as RatingResponseDto;
    await setStatus(id, 'open');
    await rate(id, { score: 3 }).expect(409);
    expect(await ratingOf(id)).toMatchObject({ rating: first, can_rate: false, rate_until: null });
    await setStatus(id, 'resolved');
    expect((await ratingOf(id, client)).can_rate).toBe(true);
    const second = (await rate(id, { score: 5 }).expect(201)).body as RatingResponseDto;
    expect(second.resolved_at > first.resolved_at).toBe(true);
    await rate(id, { score: 5 }).expect(409);
    expect((await ratingOf(id)).rating).toEqual(second);
  });

  it('is the client’s alone: a stranger gets 404, agents 403, anonymous 401', async () => {
    const id = await ticketFor();
    await setStatus(id, 'resolved');
    expect((await rate(id, { score: 5 }, stranger).expect(404)).body.error).toBe('not_found');
    await t.http.get(`/api/v1/tickets/${id}/rating`).set(stranger.auth).expect(404);
    await rate(2_000_000_000, { score: 5 }).expect(404);
    expect((await rate(id, { score: 5 }, alex).expect(403)).body.error).toBe('forbidden');
    await rate(id, { score: 5 }, admin).expect(403);
    await t.http.post(`/api/v1/tickets/${id}/rating`).send({ score: 5 }).expect(401);
    // None of that used the client's turn.
    await rate(id, { score: 5 }).expect(201);
  });

  it('closes the window 7 days after the resolution; a ticket closed within them may still be rated', async () => {
    const late = await ticketFor();
    await setStatus(late, 'resolved');
    const closedLater = await ticketFor();
    await setStatus(closedLater, 'resolved');
    advance(6 * DAY);
    await setStatus(closedLater, 'closed');
    await rate(closedLater, { score: 4 }).expect(201);
    advance(DAY);
    const expired = await rate(late, { score: 4 }).expect(409);
    expect(expired.body.message).toMatch(/7 days/);
    expect(await ratingOf(late, client)).toMatchObject({ rating: null, can_rate: false });
    // A customer who closes an unresolved ticket has resolved it: that may be rated too.
    const closedByClient = await ticketFor();
    await setStatus(closedByClient, 'closed', client);
    await rate(closedByClient, { score: 2 }).expect(201);
  });

  it('rolls the rating back when an in-transaction hook fails', async () => {
    const id = await ticketFor();
    await setStatus(id, 'resolved');
    failHook = true;
    try {
      await rate(id, { score: 3 }).expect(500);
    } finally {
      failHook = false;
    }
    expect((await ratingOf(id)).rating).toBeNull();
    await rate(id, { score: 3 }).expect(201);
  });

  it.each([
    ['no score', {}, 'score'],
    ['a score of 0', { score: 0 }, 'score'],
    ['a score of 6', { score: 6 }, 'score'],
    ['a fractional score', { score: 4.5 }, 'score'],
    ['a score as text', { score: '5' }, 'score'],
    ['a null comment', { score: 5, comment: null }, 'comment'],
    ['a 2001-character comment', { score: 5, comment: 'x'.repeat(2001) }, 'comment'],
    ['a client_id', { score: 5, client_id: 1 }, 'client_id'],
  ])('refuses %s with 422 naming %s', async (_label, body, field) => {
    const id = await ticketFor();
    await setStatus(id, 'resolved');
    const res = await rate(id, body).expect(422);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    // The refusal used nothing up.
    await rate(id, { score: 5 }).expect(201);
  });

  it('rates over Socket.IO with ticket:rate, same rules and errors, and tells agents live', async () => {
    const id = await ticketFor();
    const [customer, agentSocket, strangerSocket] = await Promise.all([sockets.open(client), sockets.open(alex), sockets.open(stranger)]);
    const early = await request<Ack>(customer, 'ticket:rate', { ticket_id: id, score: 5 });
    expect(early).toMatchObject({ ok: false, error: { status_code: 409, error: 'conflict' } });
    await setStatus(id, 'resolved');
    expect(await request<Ack>(strangerSocket, 'ticket:rate', { ticket_id: id, score: 5 })).toMatchObject({ ok: false, error: { status_code: 404 } });
    expect(await request<Ack>(agentSocket, 'ticket:rate', { ticket_id: id, score: 5 })).toMatchObject({ ok: false, error: { status_code: 403 } });
    expect(await request<Ack>(customer, 'ticket:rate', { ticket_id: id, score: 9 })).toMatchObject({ ok: false, error: { status_code: 422 } });

    const live = next<RatingResponseDto>(agentSocket, 'ticket:rated', (r) => r.ticket_id === id);
    const ack = await request<Ack>(customer, 'ticket:rate', { ticket_id: id, score: 5, comment: 'Great' });
    expect(ack).toEqual({ ok: true, rating: expect.objectContaining({ ticket_id: id, score: 5, comment: 'Great', client_id: client.user.id }) });
    expect(await live).toEqual(ack.rating);
    expect(await request<Ack>(customer, 'ticket:rate', { ticket_id: id, score: 4 })).toMatchObject({ ok: false, error: { status_code: 409 } });
    expect((await ratingOf(id)).rating).toEqual(ack.rating);
  });

  it('reports CSAT in /tickets/stats by agent and queue, over the resolutions in the window', async () => {
    advance(30 * DAY);
    const from = now.toISOString();
    const a1 = await ticketFor(alex);
    const a2 = await ticketFor(alex);
    const a3 = await ticketFor(alex);
    const s1 = await ticketFor(sam, null);
    const s2 = await ticketFor(sam, null);
    for (const id of [a1, a2, a3]) await setStatus(id, 'resolved');
    await setStatus(s1, 'closed', client);
    await setStatus(s2, 'resolved');
    await setStatus(s2, 'open');
    await setStatus(s2, 'resolved');
    await rate(a1, { score: 5 }).expect(201);
    await rate(a2, { score: 4 }).expect(201);
    await rate(s1, { score: 2 }).expect(201);
    await rate(s2, { score: 3 }).expect(201);
    advance(MINUTE);

    const stats = await t.http.get('/api/v1/tickets/stats').query({ from, to: now.toISOString() }).set(alex.auth).expect(200);
    expect(stats.body.by_status).toBeDefined();
    expect(stats.body.sla).toBeDefined();
    const { csat } = stats.body;
    expect(csat).toMatchObject({ average: 3.5, responses: 4, resolved: 6, response_rate: 0.667 });
    // By agent id (the users were made in parallel: either may have the lower id).
    expect(csat.by_agent).toEqual(
      [
        { agent_id: alex.user.id, name: 'Alex', average: 4.5, responses: 2, resolved: 3, response_rate: 0.667 },
        { agent_id: sam.user.id, name: 'Sam', average: 2.5, responses: 2, resolved: 3, response_rate: 0.667 },
      ].sort((a, b) => a.agent_id - b.agent_id),
    );
    expect(csat.by_queue).toEqual([
      { queue_id: billing, name: expect.any(String), average: 4.5, responses: 2, resolved: 3, response_rate: 0.667 },
      { queue_id: null, name: null, average: 2.5, responses: 2, resolved: 3, response_rate: 0.667 },
    ]);

    const empty = await t.http.get('/api/v1/tickets/stats').query({ from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }).set(alex.auth).expect(200);
    expect(empty.body.csat).toEqual({ average: null, responses: 0, resolved: 0, response_rate: null, by_agent: [], by_queue: [] });
  });
});

import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

const HOUR = 3_600_000;

describe('tickets', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let generalQueueId: number;

  beforeAll(async () => {
    // Automatic assignment has its own file; here tickets stay where they are put.
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
    [{ id: generalQueueId }] = await t.db.query(`SELECT id FROM queues WHERE system_key = 'general'`);
  });
  afterAll(() => t.close());

  const post = (who: SignedInUser, body: object) => t.http.post('/api/v1/tickets').set(who.auth).send(body);

  describe('create', () => {
    it('opens a ticket with defaults, deadlines and a history row', async () => {
      const before = Date.now();
      const res = await post(client, { title: '  Cannot log in ', description: 'Password refused' }).expect(201);
      expect(res.body).toMatchObject({
        title: 'Cannot log in',
        description: 'Password refused',
        status: 'open',
        priority: 'medium',
        category: null,
        queue_id: generalQueueId,
        client_id: client.user.id,
        agent_id: null,
        source: 'web',
        first_response_at: null,
        resolved_at: null,
        closed_at: null,
      });
      const created = Date.parse(res.body.created_at);
      expect(created).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(res.body.frt_deadline) - created).toBe(4 * HOUR);
      expect(Date.parse(res.body.ttr_deadline) - created).toBe(24 * HOUR);
      const history = await t.http.get(`/api/v1/tickets/${res.body.id}/history`).set(agent.auth).expect(200);
      expect(history.body.items).toEqual([expect.objectContaining({ type: 'created', actor_id: client.user.id, to: 'open' })]);
    });

    it.each([
      ['urgent', 0.5, 4],
      ['high', 1, 8],
      ['medium', 4, 24],
      ['low', 8, 48],
    ])('sets %s deadlines to %sh / %sh', async (priority, frtHours, ttrHours) => {
      const res = await post(client, { title: 'Deadlines', description: 'Details of the problem', priority }).expect(201);
      const created = Date.parse(res.body.created_at);
      expect(Date.parse(res.body.frt_deadline) - created).toBe(frtHours * HOUR);
      expect(Date.parse(res.body.ttr_deadline) - created).toBe(ttrHours * HOUR);
    });

    it('keeps HTML as given, as a plain JSON string', async () => {
      const html = '<script>alert(1)</script><b>bold</b> & "quotes"';
      const res = await post(client, { title: html, description: html, category: 'html' }).expect(201);
      expect(res.body.title).toBe(html);
      expect(res.headers['content-type']).toContain('application/json');
      const again = await t.http.get(`/api/v1/tickets/${res.body.id}`).set(client.auth).expect(200);
      expect(again.body.description).toBe(html);
    });

    it('lets an agent open a ticket for a new customer, who becomes a contact', async () => {
      const res = await post(agent, { title: 'Phoned in', description: 'Caller cannot pay', client_email: 'Caller@Example.TEST', queue_id: generalQueueId }).expect(201);
      expect(res.body.source).toBe('api');
      const [contact] = await t.db.query(`SELECT id, role, password_hash, name FROM users WHERE email = 'caller@example.test'`);
      expect(contact).toMatchObject({ id: res.body.client_id, role: 'client', password_hash: null, name: 'caller' });
      // The same address again reuses the contact.
      const second = await post(agent, { title: 'Called again', description: 'Details of the problem', client_email: 'caller@example.test' }).expect(201);
      expect(second.body.client_id).toBe(contact.id);
      // A contact has no password, so cannot log in.
      await t.http.post('/api/v1/auth/login').send({ email: 'caller@example.test', password: 'anything-at-all' }).expect(401);
    });

    it('refuses client_email from a client and a staff address', async () => {
      await post(client, { title: 'Help', description: 'Details of the problem', client_email: 'someone@example.test' }).expect(403);
      const res = await post(agent, { title: 'Help', description: 'Details of the problem', client_email: agent.user.email }).expect(422);
      expect(res.body.details[0].field).toBe('client_email');
    });

    it('leaves no contact behind when the queue of a ticket opened for a customer does not exist', async () => {
      const res = await post(agent, { title: 'Help', description: 'Details of the problem', client_email: 'ghost@example.test', queue_id: 999999 }).expect(422);
      expect(res.body.details[0].field).toBe('queue_id');
      const [{ count }] = await t.db.query("SELECT count(*)::int AS count FROM users WHERE email = 'ghost@example.test'");
      expect(count).toBe(0);
    });

    it.each([
      ['an empty title', { title: '', description: 'Details of the problem' }, 'title'],
      ['a whitespace title', { title: '   ', description: 'Details of the problem' }, 'title'],
      ['a title over 200 characters', { title: 'x'.repeat(201), description: 'Details of the problem' }, 'title'],
      ['a description over 20,000 characters', { title: 'Help', description: 'x'.repeat(20_001) }, 'description'],
      ['a missing description', { title: 'Help' }, 'description'],
      ['an unknown priority', { title: 'Help', description: 'Details of the problem', priority: 'critical' }, 'priority'],
      ['an unknown queue', { title: 'Help', description: 'Details of the problem', queue_id: 999999 }, 'queue_id'],
      ['a queue id as a string', { title: 'Help', description: 'Details of the problem', queue_id: '1' }, 'queue_id'],
      ['a queue id past int4', { title: 'Help', description: 'Details of the problem', queue_id: 2 ** 31 }, 'queue_id'],
      ['a status other than open', { title: 'Help', description: 'Details of the problem', status: 'closed' }, 'status'],
      ['an unknown field', { title: 'Help', description: 'Details of the problem', severity: 'high' }, 'severity'],
    ])('answers 422 for %s and stores nothing', async (_, body, field) => {
      const [{ count: before }] = await t.db.query('SELECT count(*)::int AS count FROM tickets');
      const res = await post(client, body).expect(422);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      const [{ count: after }] = await t.db.query('SELECT count(*)::int AS count FROM tickets');
      expect(after).toBe(before);
    });
  });

  describe('read', () => {
    it('shows a client its own ticket and hides others with 404', async () => {
      const mine = await createTicket(t.db, { clientId: client.user.id });
      const theirs = await createTicket(t.db);
      await t.http.get(`/api/v1/tickets/${mine.id}`).set(client.auth).expect(200);
      const res = await t.http.get(`/api/v1/tickets/${theirs.id}`).set(client.auth).expect(404);
      expect(res.body.error).toBe('not_found');
      await t.http.get(`/api/v1/tickets/${theirs.id}`).set(agent.auth).expect(200);
      await t.http.get('/api/v1/tickets/99999999').set(agent.auth).expect(404);
      await t.http.get('/api/v1/tickets/abc').set(agent.auth).expect(422);
    });

    it('lists newest first and a client only its own, whatever it filters by', async () => {
      const other = await createTicket(t.db);
      const a = await createTicket(t.db, { clientId: client.user.id });
      const b = await createTicket(t.db, { clientId: client.user.id });
      const res = await t.http.get('/api/v1/tickets').query({ limit: 100 }).set(client.auth).expect(200);
      const ids = res.body.items.map((x: { id: number }) => x.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      expect(ids).not.toContain(other.id);
      expect(res.body.items.every((x: { client_id: number }) => x.client_id === client.user.id)).toBe(true);
      const sneaky = await t.http.get('/api/v1/tickets').query({ client_id: other.clientId }).set(client.auth).expect(200);
      expect(sneaky.body.items).toEqual([]);
    });

    it('filters by every field in the contract', async () => {
      const { user: someone } = await signedIn(t);
      const [{ id: billing }] = await t.db.query(`SELECT id FROM queues WHERE name = 'Billing'`);
      const match = await createTicket(t.db, {
        clientId: someone.id,
        status: 'in_progress',
        priority: 'urgent',
        queueId: billing,
        agentId: agent.user.id,
        category: 'refunds',
        title: 'Refund for order 7781',
      });
      await createTicket(t.db, { clientId: someone.id, status: 'open', priority: 'urgent', queueId: billing, category: 'refunds' });
      const cases: Record<string, string | number>[] = [
        { status: 'in_progress', client_id: someone.id },
        { priority: 'urgent', agent_id: agent.user.id, client_id: someone.id },
        { queue_id: billing, status: 'in_progress' },
        { category: 'refunds', agent_id: agent.user.id },
        { q: 'ORDER 7781' },
        { q: 'refund for', client_id: someone.id, status: 'in_progress' },
      ];
      for (const query of cases) {
        const res = await t.http.get('/api/v1/tickets').query(query).set(agent.auth).expect(200);
        expect(res.body.items.map((x: { id: number }) => x.id)).toEqual([match.id]);
      }
      const none = await t.http.get('/api/v1/tickets').query({ q: 'nothing like this 9x9x' }).set(agent.auth).expect(200);
      expect(none.body.items).toEqual([]);
    });

    it('treats % and _ in q literally', async () => {
      const literal = await createTicket(t.db, { title: 'Discount 100% off_now' });
      const res = await t.http.get('/api/v1/tickets').query({ q: '100% off_' }).set(agent.auth).expect(200);
      expect(res.body.items.map((x: { id: number }) => x.id)).toEqual([literal.id]);
    });

    it('pages by keyset without repeats or skips while tickets are being created', async () => {
      const { user: pager } = await signedIn(t);
      const base = Date.now() - 60_000;
      // Several tickets share one created_at to the microsecond: the id breaks the tie.
      const same = new Date(base);
      const seeded = [];
      for (let i = 0; i < 7; i += 1) seeded.push(await createTicket(t.db, { clientId: pager.id, createdAt: i < 3 ? same : new Date(base + i * 1000) }));
      const seen: number[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const res: { body: { items: { id: number }[]; next_cursor: string | null } } = await t.http
          .get('/api/v1/tickets')
          .query({ client_id: pager.id, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(agent.auth)
          .expect(200);
        seen.push(...res.body.items.map((x) => x.id));
        cursor = res.body.next_cursor;
        if (page === 1) await post(agent, { title: 'Arrived while paging', description: 'Details of the problem', client_email: pager.email }).expect(201);
        page += 1;
      } while (cursor);
      const expected = [...seeded].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id).map((x) => x.id);
      expect(seen).toEqual(expected);
    });

    it.each([
      ['a tampered cursor', { cursor: 'eyJub3QiOiJ2YWxpZCJ9' }],
      ['a cursor with SQL in it', { cursor: Buffer.from(JSON.stringify(["2026-01-01T00:00:00Z') OR 1=1 --", 1])).toString('base64url') }],
      ['a cursor with a day that does not exist', { cursor: Buffer.from(JSON.stringify(['2024-02-30T00:00:00Z', 1])).toString('base64url') }],
      ['a NUL character in q', { q: 'pass\u0000word' }],
      ['a limit of 101', { limit: 101 }],
      ['an unknown status', { status: 'pending' }],
      ['a non-integer agent_id', { agent_id: 'me' }],
      ['an unknown filter', { assignee: 3 }],
    ])('answers 422 for %s', async (_, query) => {
      const res = await t.http.get('/api/v1/tickets').query(query).set(agent.auth).expect(422);
      expect(res.body.error).toBe('validation_failed');
    });

    it('runs a constant number of SQL statements for a page of 100', async () => {
      const { user: bulkClient } = await signedIn(t);
      for (let i = 0; i < 100; i += 1) await createTicket(t.db, { clientId: bulkClient.id, agentId: agent.user.id });
      const pg = (await import('pg')).default;
      const original = pg.Client.prototype.query;
      let statements = 0;
      pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
        statements += 1;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        const small = await t.http.get('/api/v1/tickets').query({ client_id: bulkClient.id, limit: 5 }).set(agent.auth).expect(200);
        const smallCount = statements;
        statements = 0;
        const large = await t.http.get('/api/v1/tickets').query({ client_id: bulkClient.id, limit: 100 }).set(agent.auth).expect(200);
        expect(small.body.items).toHaveLength(5);
        expect(large.body.items).toHaveLength(100);
        expect(statements).toBe(smallCount);
        expect(statements).toBeLessThanOrEqual(3);
      } finally {
        pg.Client.prototype.query = original;
      }
    });
  });

  describe('update', () => {
    it('moves status along allowed transitions, stamping and clearing times', async () => {
      const ticket = await createTicket(t.db);
      const patch = (status: string) => t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status });
      expect((await patch('in_progress').expect(200)).body.status).toBe('in_progress');
      const resolved = (await patch('resolved').expect(200)).body;
      expect(resolved.resolved_at).not.toBeNull();
      const closed = (await patch('closed').expect(200)).body;
      expect(closed.closed_at).not.toBeNull();
      const refused = await patch('in_progress').expect(409);
      expect(refused.body).toMatchObject({ error: 'conflict', details: [{ from: 'closed', to: 'in_progress' }] });
      const reopened = (await patch('open').expect(200)).body;
      expect(reopened).toMatchObject({ status: 'open', resolved_at: null, closed_at: null });
      const history = await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set(agent.auth).expect(200);
      expect(history.body.items.map((e: { to: string }) => e.to)).toEqual(['in_progress', 'resolved', 'closed', 'open']);
      expect(history.body.items.every((e: { actor_id: number }) => e.actor_id === agent.user.id)).toBe(true);
    });

    it('takes deadlines from the SLA_* settings', async () => {
      const t2 = await createTestApp({ AUTO_ASSIGN: 'false', SLA_HIGH: '20m/3h' });
      try {
        const customer = await signedIn(t2);
        const res = await t2.http.post('/api/v1/tickets').set(customer.auth).send({ title: 'Down', description: 'Details of the problem', priority: 'high' }).expect(201);
        const created = Date.parse(res.body.created_at);
        expect(Date.parse(res.body.frt_deadline) - created).toBe(20 * 60_000);
        expect(Date.parse(res.body.ttr_deadline) - created).toBe(3 * HOUR);
      } finally {
        await t2.close();
      }
    });

    it('recomputes deadlines when the priority changes', async () => {
      const ticket = await createTicket(t.db, { priority: 'low' });
      const res = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ priority: 'urgent', category: 'vip' }).expect(200);
      const created = Date.parse(res.body.created_at);
      expect(Date.parse(res.body.frt_deadline) - created).toBe(0.5 * HOUR);
      expect(Date.parse(res.body.ttr_deadline) - created).toBe(4 * HOUR);
      expect(res.body.category).toBe('vip');
    });

    it('lets a client edit title and description and close its own ticket, nothing else', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}`;
      const edited = await t.http.patch(url).set(client.auth).send({ title: 'Better title', description: 'More detail' }).expect(200);
      expect(edited.body).toMatchObject({ title: 'Better title', description: 'More detail' });
      await t.http.patch(url).set(client.auth).send({ priority: 'urgent' }).expect(403);
      await t.http.patch(url).set(client.auth).send({ queue_id: generalQueueId }).expect(403);
      await t.http.patch(url).set(client.auth).send({ status: 'resolved' }).expect(409);
      const closed = await t.http.patch(url).set(client.auth).send({ status: 'closed' }).expect(200);
      expect(closed.body.status).toBe('closed');
      await t.http.patch(url).set(client.auth).send({ status: 'open' }).expect(409);
      const other = await createTicket(t.db);
      await t.http.patch(`/api/v1/tickets/${other.id}`).set(client.auth).send({ title: 'Mine now' }).expect(404);
      const [row] = await t.db.query('SELECT title FROM tickets WHERE id = $1', [other.id]);
      expect(row.title).toBe(other.title);
    });

    it('answers 422 for bad values and changes nothing', async () => {
      const ticket = await createTicket(t.db);
      for (const body of [{ status: 'pending' }, { title: ' ' }, { queue_id: 999999 }, { priority: 7 }, { agent_id: agent.user.id }]) {
        await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send(body).expect(422);
      }
      const [row] = await t.db.query('SELECT status, title, queue_id, priority FROM tickets WHERE id = $1', [ticket.id]);
      expect(row).toEqual({ status: 'open', title: ticket.title, queue_id: null, priority: 'medium' });
    });
  });

  describe('assign', () => {
    it('assigns to an active agent, records it, and unassigns with null', async () => {
      const ticket = await createTicket(t.db);
      const res = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
      expect(res.body.agent_id).toBe(agent.user.id);
      const admin = await signedIn(t, { role: 'admin' });
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: admin.user.id }).expect(200);
      const cleared = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: null }).expect(200);
      expect(cleared.body.agent_id).toBeNull();
      const history = await t.http.get(`/api/v1/tickets/${ticket.id}/history`).set(agent.auth).expect(200);
      expect(history.body.items.filter((e: { type: string }) => e.type === 'assignment').map((e: { from: string; to: string }) => [e.from, e.to])).toEqual([
        [null, String(agent.user.id)],
        [String(agent.user.id), String(admin.user.id)],
        [String(admin.user.id), null],
      ]);
    });

    it('answers 400 when the user is not an active agent', async () => {
      const ticket = await createTicket(t.db);
      const inactive = await signedIn(t, { role: 'agent', isActive: false });
      for (const agentId of [client.user.id, inactive.user.id, 999999]) {
        const res = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agentId }).expect(400);
        expect(res.body.error).toBe('bad_request');
      }
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: 'x' }).expect(422);
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({}).expect(422);
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(client.auth).send({ agent_id: agent.user.id }).expect(403);
      await t.http.post('/api/v1/tickets/99999999/assign').set(agent.auth).send({ agent_id: agent.user.id }).expect(404);
      const [row] = await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [ticket.id]);
      expect(row.agent_id).toBeNull();
    });
  });

  describe('bulk', () => {
    it('changes every ticket in one go', async () => {
      const tickets = [await createTicket(t.db), await createTicket(t.db), await createTicket(t.db, { status: 'in_progress' })];
      const res = await t.http
        .post('/api/v1/tickets/bulk')
        .set(agent.auth)
        .send({ ticket_ids: tickets.map((x) => x.id), status: 'resolved', priority: 'high', agent_id: agent.user.id })
        .expect(200);
      expect(res.body.items).toHaveLength(3);
      expect(res.body.items.every((x: { status: string; priority: string; agent_id: number }) => x.status === 'resolved' && x.priority === 'high' && x.agent_id === agent.user.id)).toBe(true);
    });

    it('rejects the whole request with 409 and the offending ids when one move is not allowed', async () => {
      const ok = await createTicket(t.db);
      const closed = await createTicket(t.db, { status: 'closed', resolvedAt: new Date(), closedAt: new Date() });
      const res = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [ok.id, closed.id], status: 'in_progress' }).expect(409);
      expect(res.body.details).toEqual([{ ticket_ids: [closed.id] }]);
      const rows = await t.db.query('SELECT id, status FROM tickets WHERE id = ANY($1) ORDER BY id', [[ok.id, closed.id]]);
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['open', 'closed']);
    });

    it('answers 404 naming tickets that do not exist, and changes nothing', async () => {
      const ok = await createTicket(t.db);
      const res = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [ok.id, 99999991], priority: 'low' }).expect(404);
      expect(res.body.details).toEqual([{ ticket_ids: [99999991] }]);
      const [row] = await t.db.query('SELECT priority FROM tickets WHERE id = $1', [ok.id]);
      expect(row.priority).toBe('medium');
    });

    it.each([
      ['no ids', { ticket_ids: [], status: 'open' }, 422],
      ['over 100 ids', { ticket_ids: Array.from({ length: 101 }, (_, i) => i + 1), status: 'open' }, 422],
      ['repeated ids', { ticket_ids: [1, 1], status: 'open' }, 422],
      ['no change', { ticket_ids: [1] }, 422],
      ['a client as agent', { ticket_ids: [1], agent_id: -1 }, 422],
    ])('answers %s with %s', async (_, body, status) => {
      await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send(body).expect(status);
    });

    it('forbids clients and refuses a non-agent assignee with 400', async () => {
      const ticket = await createTicket(t.db);
      await t.http.post('/api/v1/tickets/bulk').set(client.auth).send({ ticket_ids: [ticket.id], status: 'closed' }).expect(403);
      await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [ticket.id], agent_id: client.user.id }).expect(400);
    });
  });

  describe('stats', () => {
    it('counts by status, priority and queue, breaches, and median times over a window', async () => {
      const t2 = await createTestApp({ AUTO_ASSIGN: 'false' });
      try {
        const boss = await signedIn(t2, { role: 'agent' });
        const [{ id: billing }] = await t2.db.query(`SELECT id FROM queues WHERE name = 'Billing'`);
        const now = Date.now();
        const ago = (ms: number) => new Date(now - ms);
        // Responded after 10 and 30 minutes; one resolved after 2 hours.
        await createTicket(t2.db, { createdAt: ago(5 * HOUR), firstResponseAt: ago(5 * HOUR - 600_000), status: 'resolved', resolvedAt: ago(3 * HOUR), priority: 'high', queueId: billing });
        await createTicket(t2.db, { createdAt: ago(2 * HOUR), firstResponseAt: ago(2 * HOUR - 1_800_000), status: 'in_progress', priority: 'urgent', queueId: billing });
        // Overdue for a first response (urgent: 30 min) and for resolution (4 h).
        await createTicket(t2.db, { createdAt: ago(5 * HOUR), priority: 'urgent', status: 'open' });
        // Resolved after 1 hour, then closed.
        await createTicket(t2.db, { createdAt: ago(HOUR), status: 'closed', resolvedAt: new Date(now), closedAt: new Date(now) });
        const res = await t2.http.get('/api/v1/tickets/stats').set(boss.auth).expect(200);
        expect(res.body.by_status).toEqual({ open: 1, in_progress: 1, waiting_customer: 0, resolved: 1, closed: 1 });
        expect(res.body.by_priority).toEqual({ low: 0, medium: 0, high: 0, urgent: 2 });
        // Every queue, 0 for the empty ones (as by_status and by_priority), then tickets without a queue.
        const queues = (await t2.db.query(`SELECT id, name FROM queues ORDER BY id`)) as { id: number; name: string }[];
        expect(res.body.by_queue).toEqual([
          ...queues.map((q) => ({ queue_id: q.id, name: q.name, count: q.id === billing ? 1 : 0 })),
          { queue_id: null, name: null, count: 1 },
        ]);
        expect(res.body.frt_breached).toBe(1);
        expect(res.body.ttr_breached).toBe(1);
        expect(res.body.median_first_response_seconds).toBe(1200);
        expect(res.body.median_resolution_seconds).toBe(5400);
        expect(res.body.ttr_breached_in_window).toBe(0);
        const empty = await t2.http.get('/api/v1/tickets/stats').query({ from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }).set(boss.auth).expect(200);
        expect(empty.body.median_first_response_seconds).toBeNull();
        await t2.http.get('/api/v1/tickets/stats').query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).set(boss.auth).expect(422);
        await t2.http.get('/api/v1/tickets/stats').query({ from: 'yesterday' }).set(boss.auth).expect(422);
        const customer = await signedIn(t2);
        await t2.http.get('/api/v1/tickets/stats').set(customer.auth).expect(403);
      } finally {
        await t2.close();
      }
    });
  });

  it('keeps history append-only', async () => {
    const ticket = await createTicket(t.db);
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'in_progress' }).expect(200);
    await expect(t.db.query(`UPDATE ticket_events SET to_value = 'closed' WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(/append-only/);
  });
});

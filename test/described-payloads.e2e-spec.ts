import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { request, socketPool } from './utils/socket.js';

interface Problem {
  field: string;
  problems: string[];
}
interface Ack {
  ok: boolean;
  error?: { status_code: number; error: string; message: string; details?: Problem[] };
  [key: string]: unknown;
}

const fieldsOf = (details: Problem[] | undefined) => (details ?? []).map((d) => d.field);
const DESCRIPTION = 'The page says my password is wrong';

/**
 * The payloads of the described system (a FastAPI support service): enum values in any case,
 * the fields the server owns accepted when they agree, its ticket text rules, its list parameters.
 */
describe('described payloads', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let admin: SignedInUser;
  const sockets = socketPool(() => t.baseUrl);
  const { open } = sockets;
  const count = async (table: string) => ((await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[])[0].n;
  const post = (who: SignedInUser, url: string, body: object) => t.http.post(url).set(who.auth).send(body);

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
    admin = await signedIn(t, { role: 'admin' });
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  describe('enum values in any case, lower case out', () => {
    it('takes upper- and mixed-case priority and status over REST (create, update, bulk, list)', async () => {
      const created = await post(client, '/api/v1/tickets', { title: 'Upper case', description: DESCRIPTION, priority: 'HIGH', status: 'OPEN' }).expect(201);
      expect(created.body).toMatchObject({ priority: 'high', status: 'open' });
      const id = created.body.id as number;

      const updated = await t.http.patch(`/api/v1/tickets/${id}`).set(agent.auth).send({ status: 'In_Progress', priority: 'Urgent' }).expect(200);
      expect(updated.body).toMatchObject({ status: 'in_progress', priority: 'urgent' });
      const [stored] = await t.db.query('SELECT status, priority FROM tickets WHERE id = $1', [id]);
      expect(stored).toEqual({ status: 'in_progress', priority: 'urgent' });

      const bulk = await post(agent, '/api/v1/tickets/bulk', { ticket_ids: [id], status: 'WAITING_CUSTOMER', priority: 'Low' }).expect(200);
      expect(bulk.body.items[0]).toMatchObject({ status: 'waiting_customer', priority: 'low' });

      const listed = await t.http.get('/api/v1/tickets').query({ status: 'WAITING_CUSTOMER', priority: 'LOW' }).set(agent.auth).expect(200);
      expect(listed.body.items.map((x: { id: number }) => x.id)).toEqual([id]);
    });

    it('still refuses a value that is not one of the enum, in any case', async () => {
      const res = await post(client, '/api/v1/tickets', { title: 'Bad enum', description: DESCRIPTION, priority: 'CRITICAL' }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual(['priority']);
      await t.http.get('/api/v1/tickets').query({ status: 'OPENED' }).set(agent.auth).expect(422);
      // No Unicode case folding: the Kelvin sign is not a "k".
      await post(client, '/api/v1/tickets', { title: 'Bad enum', description: DESCRIPTION, priority: 'LOW\u212A' }).expect(422);
    });

    it('takes a role in any case', async () => {
      const res = await post(admin, '/api/v1/users', { email: 'cased-role@example.test', password: 'long-enough-1', name: 'Cased', role: 'AGENT' }).expect(201);
      expect(res.body.role).toBe('agent');
      const listed = await t.http.get('/api/v1/users').query({ role: 'Agent' }).set(admin.auth).expect(200);
      expect(listed.body.items.map((u: { id: number }) => u.id)).toContain(res.body.id);
    });

    it('takes upper-case values over Socket.IO and answers in lower case', async () => {
      const socket = await open(client);
      const ack = await request<Ack>(socket, 'ticket:create', { title: 'Socket case', description: DESCRIPTION, priority: 'MEDIUM', status: 'OPEN' });
      expect(ack).toMatchObject({ ok: true, ticket: { priority: 'medium', status: 'open' } });
    });
  });

  describe('fields the server owns', () => {
    it('accepts the described create payload when client_id and status agree with the caller (REST and Socket.IO)', async () => {
      const body = { title: 'Site down', description: DESCRIPTION, status: 'OPEN', priority: 'MEDIUM', category: 'outage', client_id: client.user.id };
      const res = await post(client, '/api/v1/tickets', body).expect(201);
      expect(res.body).toMatchObject({ client_id: client.user.id, status: 'open', priority: 'medium' });
      const ack = await request<Ack>(await open(client), 'ticket:create', body);
      expect(ack.ok).toBe(true);
      const [stored] = await t.db.query('SELECT client_id FROM tickets WHERE id = $1', [ack.ticket_id]);
      expect(stored.client_id).toBe(client.user.id);
    });

    it.each([
      ['another client_id', () => ({ client_id: agent.user.id }), 'client_id'],
      ['a status other than open', () => ({ status: 'closed' }), 'status'],
      ['both', () => ({ client_id: 999_999, status: 'RESOLVED' }), 'status,client_id'],
    ])('refuses a ticket with %s, naming the field, and stores nothing (REST and Socket.IO)', async (_, extra, fields) => {
      const before = await count('tickets');
      const body = { title: 'Not mine', description: DESCRIPTION, ...extra() };
      const res = await post(client, '/api/v1/tickets', body).expect(422);
      expect(res.body.error).toBe('validation_failed');
      expect(fieldsOf(res.body.details).join(',')).toBe(fields);
      const ack = await request<Ack>(await open(client), 'ticket:create', body);
      expect(ack.ok).toBe(false);
      expect(ack.error).toMatchObject({ status_code: 422, error: 'validation_failed' });
      expect(fieldsOf(ack.error?.details).join(',')).toBe(fields);
      expect(await count('tickets')).toBe(before);
    });

    it("takes an agent's client_id as the ticket's client: itself, or the client_email customer", async () => {
      const own = await post(agent, '/api/v1/tickets', { title: 'For myself', description: DESCRIPTION, client_id: agent.user.id }).expect(201);
      expect(own.body.client_id).toBe(agent.user.id);
      const forCustomer = await post(agent, '/api/v1/tickets', {
        title: 'Phoned in',
        description: DESCRIPTION,
        client_email: client.user.email,
        client_id: client.user.id,
      }).expect(201);
      expect(forCustomer.body.client_id).toBe(client.user.id);
      // Without client_email, a customer's id is not a way to open a ticket for them.
      const res = await post(agent, '/api/v1/tickets', { title: 'For someone', description: DESCRIPTION, client_id: client.user.id }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual(['client_id']);
      // A client_id that is not the client_email's customer is refused, and no contact is left behind.
      const ghost = await post(agent, '/api/v1/tickets', { title: 'Ghost', description: DESCRIPTION, client_email: 'ghost-owned@example.test', client_id: client.user.id }).expect(422);
      expect(fieldsOf(ghost.body.details)).toEqual(['client_id']);
      expect(await t.db.query(`SELECT id FROM users WHERE email = 'ghost-owned@example.test'`)).toEqual([]);
    });

    it('accepts the described message payload when ticket_id, author_id and is_from_agent agree (REST)', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}/messages`;
      const mine = await post(client, url, { ticket_id: ticket.id, author_id: client.user.id, is_from_agent: false, content: 'Still broken' }).expect(201);
      expect(mine.body).toMatchObject({ ticket_id: ticket.id, author_id: client.user.id, is_from_agent: false, author_type: 'client' });
      const reply = await post(agent, url, { author_id: agent.user.id, is_from_agent: true, content: 'Looking into it' }).expect(201);
      expect(reply.body).toMatchObject({ author_id: agent.user.id, is_from_agent: true, author_type: 'agent' });
      const adminReply = await post(admin, url, { is_from_agent: true, content: 'Escalated' }).expect(201);
      expect(adminReply.body.is_from_agent).toBe(true);
    });

    it.each([
      ['another author_id', (ids: Ids) => ({ author_id: ids.agent }), 'author_id'],
      ['is_from_agent true from a customer', () => ({ is_from_agent: true }), 'is_from_agent'],
      ['another ticket_id', (ids: Ids) => ({ ticket_id: ids.ticket + 1 }), 'ticket_id'],
      ['is_from_agent as a string', () => ({ is_from_agent: 'false' }), 'is_from_agent'],
      ['an unknown field', () => ({ author_name: 'Me' }), 'author_name'],
    ])('refuses a message with %s, naming the field, and stores nothing (REST and Socket.IO)', async (_, extra, field) => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const ids: Ids = { agent: agent.user.id, ticket: ticket.id };
      const before = await count('messages');
      const res = await post(client, `/api/v1/tickets/${ticket.id}/messages`, { content: 'Hello', ...extra(ids) }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual([field]);
      if (field !== 'ticket_id') {
        // Over Socket.IO the event's ticket_id is the ticket, so it cannot disagree.
        const socket = await open(client);
        const ack = await request<Ack>(socket, 'message:send', { ticket_id: ticket.id, content: 'Hello', ...extra(ids) });
        expect(ack).toMatchObject({ ok: false, error: { status_code: 422, error: 'validation_failed' } });
        expect(fieldsOf(ack.error?.details)).toEqual([field]);
      }
      expect(await count('messages')).toBe(before);
    });

    it("refuses an agent's message that says is_from_agent false", async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const res = await post(agent, `/api/v1/tickets/${ticket.id}/messages`, { content: 'Hi', is_from_agent: false }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual(['is_from_agent']);
      const ack = await request<Ack>(await open(agent), 'message:send', { ticket_id: ticket.id, content: 'Hi', author_id: agent.user.id, is_from_agent: true });
      expect(ack).toMatchObject({ ok: true, message: { author_id: agent.user.id, is_from_agent: true } });
    });

    it("accepts a note's author_id and ticket_id when they agree, and refuses them otherwise", async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}/notes`;
      const note = await post(agent, url, { content: 'VIP', author_id: agent.user.id, ticket_id: ticket.id }).expect(201);
      expect(note.body.author_id).toBe(agent.user.id);
      const before = await count('notes');
      const res = await post(agent, url, { content: 'VIP', author_id: admin.user.id }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual(['author_id']);
      const wrongTicket = await post(agent, url, { content: 'VIP', ticket_id: ticket.id + 1 }).expect(422);
      expect(fieldsOf(wrongTicket.body.details)).toEqual(['ticket_id']);
      // Notes do not exist for a customer, whatever the body says.
      await post(client, url, { content: 'VIP', author_id: client.user.id }).expect(404);
      expect(await count('notes')).toBe(before);
    });
  });

  describe('ticket text rules for typed tickets', () => {
    const bodyWith = (title: string, description: string) => ({ title, description });

    it.each([
      ['a 3-character title', bodyWith('Abc', DESCRIPTION)],
      ['a 200-character title', bodyWith('t'.repeat(200), DESCRIPTION)],
      ['a 10-character description', bodyWith('Help', '0123456789')],
    ])('accepts %s (REST and Socket.IO)', async (_, body) => {
      await post(client, '/api/v1/tickets', body).expect(201);
      expect((await request<Ack>(await open(client), 'ticket:create', body)).ok).toBe(true);
    });

    it.each([
      ['a 2-character title', bodyWith('Ab', DESCRIPTION), 'title'],
      ['a title of 2 characters and spaces', bodyWith('  Ab  ', DESCRIPTION), 'title'],
      ['a 201-character title', bodyWith('t'.repeat(201), DESCRIPTION), 'title'],
      ['a 9-character description', bodyWith('Help', '012345678'), 'description'],
      ['a description of 9 characters and spaces', bodyWith('Help', '   012345678   '), 'description'],
    ])('refuses %s, naming the field (REST and Socket.IO)', async (_, body, field) => {
      const before = await count('tickets');
      const res = await post(client, '/api/v1/tickets', body).expect(422);
      expect(fieldsOf(res.body.details)).toEqual([field]);
      const ack = await request<Ack>(await open(client), 'ticket:create', body);
      expect(fieldsOf(ack.error?.details)).toEqual([field]);
      expect(await count('tickets')).toBe(before);
    });

    it('applies the same rules to an edit', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}`;
      expect(fieldsOf((await t.http.patch(url).set(client.auth).send({ title: 'No' }).expect(422)).body.details)).toEqual(['title']);
      expect(fieldsOf((await t.http.patch(url).set(client.auth).send({ description: 'Too short' }).expect(422)).body.details)).toEqual(['description']);
      await t.http.patch(url).set(client.auth).send({ title: 'Yes', description: 'Long enough now' }).expect(200);
    });

    it('keeps the rules out of the database, so tickets from other sources keep their text', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id, title: 'Re', description: 'ok', source: 'email' });
      const res = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(client.auth).expect(200);
      expect(res.body).toMatchObject({ title: 'Re', description: 'ok' });
    });
  });

  describe('list parameters', () => {
    let listClient: SignedInUser;
    let other: SignedInUser;
    /** Newest first, as the list returns them. */
    let ids: number[];

    beforeAll(async () => {
      listClient = await signedIn(t);
      other = await signedIn(t, { role: 'agent' });
      const base = Date.now() - 60_000;
      const made = [];
      for (let i = 0; i < 5; i += 1) {
        made.push(
          await createTicket(t.db, {
            clientId: listClient.user.id,
            agentId: i % 2 === 0 ? other.user.id : null,
            title: i === 3 ? 'Printer on fire' : `Plain ${i}`,
            createdAt: new Date(base + i * 1000),
          }),
        );
      }
      ids = made.map((x) => x.id).reverse();
    });

    const list = (query: Record<string, string | number>, who = listClient) => t.http.get('/api/v1/tickets').query(query).set(who.auth);
    const idsOf = (res: { body: { items: { id: number }[] } }) => res.body.items.map((x) => x.id);

    it('reads assigned_to as agent_id and search as q', async () => {
      const byAgent = idsOf(await list({ agent_id: other.user.id }, agent).expect(200));
      expect(byAgent).toHaveLength(3);
      expect(idsOf(await list({ assigned_to: other.user.id }, agent).expect(200))).toEqual(byAgent);
      expect(idsOf(await list({ assigned_to: other.user.id, agent_id: other.user.id }, agent).expect(200))).toEqual(byAgent);
      expect(idsOf(await list({ search: 'printer' }).expect(200))).toEqual([ids[1]]);
      expect(idsOf(await list({ search: 'printer', q: 'printer' }).expect(200))).toEqual([ids[1]]);
    });

    it.each([
      [{ agent_id: 1, assigned_to: 2 }, 'assigned_to'],
      [{ q: 'printer', search: 'fire' }, 'search'],
    ])('refuses an alias with a value other than its canonical name: %o', async (query, field) => {
      const res = await list(query).expect(422);
      expect(fieldsOf(res.body.details)).toEqual([field]);
    });

    it('pages by offset with skip, and its next_cursor continues the list', async () => {
      expect(idsOf(await list({ skip: 0 }).expect(200))).toEqual(ids);
      const page = await list({ skip: 1, limit: 2 }).expect(200);
      expect(idsOf(page)).toEqual(ids.slice(1, 3));
      expect(idsOf(await list({ cursor: page.body.next_cursor as string }).expect(200))).toEqual(ids.slice(3));
      expect(idsOf(await list({ skip: 4 }).expect(200))).toEqual(ids.slice(4));
      expect((await list({ skip: 5 }).expect(200)).body).toEqual({ items: [], next_cursor: null });
      expect(idsOf(await list({ skip: 10_000 }).expect(200))).toEqual([]);
    });

    it.each([
      [{ skip: 10_001 }, 'skip'],
      [{ skip: -1 }, 'skip'],
      [{ skip: '1e3' }, 'skip'],
      [{ skip: 'x' }, 'skip'],
    ])('refuses skip %o', async (query, field) => {
      expect(fieldsOf((await list(query).expect(422)).body.details)).toEqual([field]);
    });

    it('refuses skip together with cursor', async () => {
      const page = await list({ limit: 1 }).expect(200);
      const res = await list({ skip: 1, cursor: page.body.next_cursor as string }).expect(422);
      expect(fieldsOf(res.body.details)).toEqual(['skip']);
    });
  });
});

interface Ids {
  agent: number;
  ticket: number;
}

import type { Socket } from 'socket.io-client';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { collect, connect, next, request } from './utils/socket.js';
import { waitFor } from './utils/wait.js';

interface Field {
  id: number;
  key: string;
  agent_only: boolean;
}

interface Ticket {
  id: number;
  priority: string;
  custom_fields: Record<string, unknown>;
}

const ticketBody = (extra: object = {}) => ({ title: 'Refund for order 7', description: 'The parcel never came.', ...extra });

/** A 422 in the contract's shape whose details name `field`; the details, to compare with another answer's. */
function expectFieldError(res: { status: number; body: Record<string, unknown> }, field: string): { field: string; problems: string[] }[] {
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed' });
  const details = res.body.details as { field: string; problems: string[] }[];
  expect(details.map((d) => d.field)).toContain(field);
  return details;
}

describe('agent-only custom fields', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let agent: SignedInUser;
  let client: SignedInUser;
  let fraud: Field;
  let approval: Field;
  const define = async (body: object): Promise<Field> => (await t.http.post('/api/v1/custom-fields').set(admin.auth).send(body).expect(201)).body as Field;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, agent, client] = await Promise.all([signedIn(t, { role: 'admin' }), signedIn(t, { role: 'agent' }), signedIn(t)]);
    await define({ key: 'order_no', label: 'Order number', type: 'text' });
    fraud = await define({ key: 'fraud_score', label: 'Fraud score', type: 'number', agent_only: true });
    // Required of agents' forms; a customer is never asked for it.
    approval = await define({ key: 'refund_approved', label: 'Refund approved', type: 'checkbox', agent_only: true, required: true });
  });
  afterAll(() => t.close());

  /** A customer's ticket with a public value, then an agent-only one set by an agent. */
  async function ticketWithInternalValues(): Promise<Ticket> {
    const created = (await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { order_no: 'A-7' } })).expect(201)).body as Ticket;
    await t.http.patch(`/api/v1/tickets/${created.id}`).set(agent.auth).send({ custom_fields: { fraud_score: 93, refund_approved: false } }).expect(200);
    return created;
  }

  describe('definitions', () => {
    it('admins set the flag on create and change it; it defaults to false; agents read it', async () => {
      const plain = await define({ key: 'colour', label: 'Colour', type: 'text' });
      expect(plain.agent_only).toBe(false);
      expect(fraud.agent_only).toBe(true);
      expect(approval).toMatchObject({ agent_only: true, required: true });
      const flipped = await t.http.patch(`/api/v1/custom-fields/${plain.id}`).set(admin.auth).send({ agent_only: true }).expect(200);
      expect(flipped.body).toMatchObject({ key: 'colour', agent_only: true });
      const back = await t.http.patch(`/api/v1/custom-fields/${plain.id}`).set(admin.auth).send({ label: 'Color' }).expect(200);
      expect(back.body).toMatchObject({ label: 'Color', agent_only: true });
      await t.http.delete(`/api/v1/custom-fields/${plain.id}`).set(admin.auth).expect(204);
      const listed = await t.http.get('/api/v1/custom-fields').set(agent.auth).expect(200);
      expect(listed.body.items.map((f: Field) => [f.key, f.agent_only])).toEqual([
        ['order_no', false],
        ['fraud_score', true],
        ['refund_approved', true],
      ]);
      // Customers read no definitions at all, agent-only or not.
      await t.http.get('/api/v1/custom-fields').set(client.auth).expect(403);
      await t.http.get(`/api/v1/custom-fields/${fraud.id}`).set(client.auth).expect(403);
    });

    it.each<[string, object]>([
      ['a string', { agent_only: 'yes' }],
      ['null', { agent_only: null }],
    ])('refuses %s for agent_only (422 naming it)', async (_, body) => {
      expectFieldError(await t.http.patch(`/api/v1/custom-fields/${fraud.id}`).set(admin.auth).send(body), 'agent_only');
    });
  });

  describe('over HTTP', () => {
    it('a customer never sees an agent-only value (get, list, update answers); agents see every one', async () => {
      const ticket = await ticketWithInternalValues();
      const mine = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(client.auth).expect(200);
      expect(mine.body.custom_fields).toEqual({ order_no: 'A-7' });
      const list = await t.http.get('/api/v1/tickets?limit=100').set(client.auth).expect(200);
      expect(list.body.items.find((item: Ticket) => item.id === ticket.id).custom_fields).toEqual({ order_no: 'A-7' });
      const renamed = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(client.auth).send({ title: 'Refund for order 7, please' }).expect(200);
      expect(renamed.body.custom_fields).toEqual({ order_no: 'A-7' });
      const seen = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(agent.auth).expect(200);
      expect(seen.body.custom_fields).toEqual({ order_no: 'A-7', fraud_score: 93, refund_approved: false });
    });

    it('an agent opening a ticket for a customer sets agent-only values; the customer’s reads leave them out', async () => {
      const created = await t.http
        .post('/api/v1/tickets')
        .set(agent.auth)
        .send(ticketBody({ client_email: client.user.email, custom_fields: { order_no: 'B-1', fraud_score: 5, refund_approved: true } }))
        .expect(201);
      expect(created.body.custom_fields).toEqual({ order_no: 'B-1', fraud_score: 5, refund_approved: true });
      const mine = await t.http.get(`/api/v1/tickets/${created.body.id}`).set(client.auth).expect(200);
      expect(mine.body.custom_fields).toEqual({ order_no: 'B-1' });
    });

    it('a customer may not set one: 422 naming it, in the words used for a key that does not exist', async () => {
      const internal = expectFieldError(
        await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { order_no: 'C-1', fraud_score: 0 } })),
        'custom_fields.fraud_score',
      );
      const unknown = expectFieldError(
        await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { order_no: 'C-1', no_such: 0 } })),
        'custom_fields.no_such',
      );
      expect(JSON.stringify(internal).replaceAll('fraud_score', 'K')).toBe(JSON.stringify(unknown).replaceAll('no_such', 'K'));
      expectFieldError(await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { refund_approved: true } })), 'custom_fields.refund_approved');
    });

    it('a required agent-only field is asked of agents’ creates only; the customer’s create answer has no agent-only value', async () => {
      const mine = await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody()).expect(201);
      expect(mine.body.custom_fields).toEqual({});
      expectFieldError(await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody()), 'custom_fields.refund_approved');
    });

    it('agents filter by an agent-only field; to a customer such a filter is an unknown key', async () => {
      const ticket = await ticketWithInternalValues();
      const found = await t.http.get('/api/v1/tickets?custom_fields.fraud_score=93&limit=100').set(agent.auth).expect(200);
      expect(found.body.items.map((item: Ticket) => item.id)).toContain(ticket.id);
      const internal = expectFieldError(await t.http.get('/api/v1/tickets?custom_fields.fraud_score=93').set(client.auth), 'custom_fields.fraud_score');
      const unknown = expectFieldError(await t.http.get('/api/v1/tickets?custom_fields.no_such=93').set(client.auth), 'custom_fields.no_such');
      expect(JSON.stringify(internal).replaceAll('fraud_score', 'K')).toBe(JSON.stringify(unknown).replaceAll('no_such', 'K'));
      // Public fields still filter for customers.
      const mine = await t.http.get('/api/v1/tickets?custom_fields.order_no=A-7&limit=100').set(client.auth).expect(200);
      expect(mine.body.items.map((item: Ticket) => item.id)).toContain(ticket.id);
    });

    it('making a field agent-only hides its values at once; making it public again shows them', async () => {
      const ticket = await ticketWithInternalValues();
      const order = (await t.http.get('/api/v1/custom-fields').set(agent.auth).expect(200)).body.items.find((f: Field) => f.key === 'order_no') as Field;
      await t.http.patch(`/api/v1/custom-fields/${order.id}`).set(admin.auth).send({ agent_only: true }).expect(200);
      try {
        expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set(client.auth).expect(200)).body.custom_fields).toEqual({});
      } finally {
        await t.http.patch(`/api/v1/custom-fields/${order.id}`).set(admin.auth).send({ agent_only: false }).expect(200);
      }
      expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set(client.auth).expect(200)).body.custom_fields).toEqual({ order_no: 'A-7' });
    });

    it('the customer’s data export leaves agent-only values out; the admins’ ticket export keeps them', async () => {
      const ticket = await ticketWithInternalValues();
      const doc = await t.http.get(`/api/v1/exports/users/${client.user.id}`).set(admin.auth).expect(200);
      expect(doc.body.tickets.find((item: Ticket) => item.id === ticket.id).custom_fields).toEqual({ order_no: 'A-7' });
      const lines = (await t.http.get(`/api/v1/exports/tickets?format=jsonl&client_id=${client.user.id}`).set(admin.auth).expect(200)).text.trim().split('\n');
      const exported = lines.map((line) => JSON.parse(line) as Ticket).find((item) => item.id === ticket.id)!;
      expect(exported.custom_fields).toEqual({ order_no: 'A-7', fraud_score: 93, refund_approved: false });
    });
  });

  describe('over Socket.IO', () => {
    let customerSocket: Socket;
    let agentSocket: Socket;

    beforeEach(async () => {
      [customerSocket, agentSocket] = await Promise.all([connect(t.baseUrl, client.token), connect(t.baseUrl, agent.token)]);
    });
    afterEach(() => {
      customerSocket.close();
      agentSocket.close();
    });

    it('the ticket room’s ticket:updated carries no agent-only value; agents get every value', async () => {
      const ticket = await ticketWithInternalValues();
      const joined = await request<{ ok: boolean; ticket: Ticket }>(customerSocket, 'ticket:join', { ticket_id: ticket.id });
      expect(joined.ok).toBe(true);
      expect(joined.ticket.custom_fields).toEqual({ order_no: 'A-7' });
      const toCustomer = collect<Ticket>(customerSocket, 'ticket:updated');
      const toAgents = next<Ticket>(agentSocket, 'ticket:updated', (p) => p.id === ticket.id && p.custom_fields.fraud_score === 12);
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ priority: 'high', custom_fields: { fraud_score: 12, refund_approved: true } }).expect(200);
      expect((await toAgents).custom_fields).toEqual({ order_no: 'A-7', fraud_score: 12, refund_approved: true });
      await waitFor(() => toCustomer.some((p) => p.id === ticket.id && p.priority === 'high'));
      for (const payload of toCustomer) expect(payload.custom_fields).toEqual({ order_no: 'A-7' });
    });

    it('a chat ticket’s create answer, and its pushes in order, carry no agent-only value', async () => {
      const created = await request<{ ok: boolean; ticket_id: number; ticket: Ticket }>(customerSocket, 'ticket:create', ticketBody({ custom_fields: { order_no: 'S-1' } }));
      expect(created.ok).toBe(true);
      expect(created.ticket.custom_fields).toEqual({ order_no: 'S-1' });
      const refused = await request<{ ok: boolean; error: { status_code: number } }>(customerSocket, 'ticket:create', ticketBody({ custom_fields: { fraud_score: 1 } }));
      expect(refused).toMatchObject({ ok: false, error: { status_code: 422 } });
      const toCustomer = collect<Ticket>(customerSocket, 'ticket:updated');
      for (const priority of ['high', 'low', 'urgent']) {
        await t.http.patch(`/api/v1/tickets/${created.ticket_id}`).set(agent.auth).send({ priority, custom_fields: { fraud_score: priority.length } }).expect(200);
      }
      const priorities = () => [...new Set(toCustomer.filter((p) => p.id === created.ticket_id).map((p) => p.priority))].filter((p) => p !== 'medium');
      await waitFor(() => priorities().length === 3);
      // In the order of the changes (automatic assignment may add a push of its own, at any point).
      expect(priorities()).toEqual(['high', 'low', 'urgent']);
      const mine = toCustomer.filter((p) => p.id === created.ticket_id);
      for (const payload of mine) expect(payload.custom_fields).toEqual({ order_no: 'S-1' });
    });
  });

  describe('a definition changed while a ticket is written', () => {
    it('a value checked before a concurrent delete of its field is checked again against what committed (422, nothing stale stored)', async () => {
      const stage = await define({ key: 'stage', label: 'Stage', type: 'select', options: ['triage', 'done'] });
      const ticket = await ticketWithInternalValues();
      // An admin's delete, held open: the field's row locked and gone, its values dropped, not committed yet.
      const runner = t.db.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query('SELECT id FROM custom_fields WHERE id = $1 FOR UPDATE', [stage.id]);
        await runner.query('DELETE FROM custom_fields WHERE id = $1', [stage.id]);
        await runner.query(`UPDATE tickets SET custom_fields = custom_fields - 'stage' WHERE custom_fields ? 'stage'`);
        // The agent's write passes the cached check (the delete is not committed), then waits on the field's row.
        const write = t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ custom_fields: { stage: 'triage' } }).then((res) => res);
        await waitFor(async () => {
          const [row] = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          return (row as { n: number }).n > 0;
        });
        await runner.commitTransaction();
        expectFieldError(await write, 'custom_fields.stage');
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      const stored = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(agent.auth).expect(200);
      expect(stored.body.custom_fields).toEqual({ order_no: 'A-7', fraud_score: 93, refund_approved: false });
    });
  });
});

import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { connect, request } from './utils/socket.js';
import { twoInstances } from './utils/two-instances.js';
import { waitFor } from './utils/wait.js';

interface Field {
  id: number;
  key: string;
}

const ticketBody = (extra: object = {}) => ({ title: 'Where is my parcel', description: 'It was due on Monday.', ...extra });

/** An error body in the contract's shape, whose details name `field`. */
function expectFieldError(res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, field: string): void {
  expect(res.status).toBe(422);
  expect(res.body).toEqual({ status_code: 422, error: 'validation_failed', message: expect.any(String), details: expect.any(Array), request_id: res.headers['x-request-id'] });
  expect((res.body.details as { field: string }[]).map((d) => d.field)).toContain(field);
}

describe('custom fields', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let agent: SignedInUser;
  let client: SignedInUser;
  const define = async (body: object): Promise<Field> => (await t.http.post('/api/v1/custom-fields').set(admin.auth).send(body).expect(201)).body as Field;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, agent, client] = await Promise.all([signedIn(t, { role: 'admin' }), signedIn(t, { role: 'agent' }), signedIn(t)]);
    await define({ key: 'order_no', label: 'Order number', type: 'text' });
    await define({ key: 'amount', label: 'Amount', type: 'number' });
    await define({ key: 'due', label: 'Due', type: 'date' });
    await define({ key: 'colour', label: 'Colour', type: 'SELECT', options: ['red', ' green '] });
    await define({ key: 'vip', label: 'VIP', type: 'checkbox' });
  });
  afterAll(() => t.close());

  describe('definitions', () => {
    it('admins write them, agents read them, customers do neither', async () => {
      const listed = await t.http.get('/api/v1/custom-fields').set(agent.auth).expect(200);
      expect(listed.body.items.map((f: Field) => f.key)).toEqual(['order_no', 'amount', 'due', 'colour', 'vip']);
      expect(listed.body.items[3]).toMatchObject({ type: 'select', options: ['red', 'green'], required: false, label: 'Colour' });
      await t.http.get('/api/v1/custom-fields').set(client.auth).expect(403);
      await t.http.post('/api/v1/custom-fields').set(agent.auth).send({ key: 'x', label: 'X', type: 'text' }).expect(403);
    });

    it.each<[string, object, string]>([
      ['a key with capitals', { key: 'Order', label: 'X', type: 'text' }, 'key'],
      ['an unknown type', { key: 'k1', label: 'X', type: 'colour' }, 'type'],
      ['a select without options', { key: 'k2', label: 'X', type: 'select' }, 'options'],
      ['options on a text field', { key: 'k3', label: 'X', type: 'text', options: ['a'] }, 'options'],
      ['repeated options', { key: 'k4', label: 'X', type: 'select', options: ['a', 'a'] }, 'options'],
      ['an unknown property', { key: 'k5', label: 'X', type: 'text', colour: 'red' }, 'colour'],
    ])('refuses %s (422 naming it)', async (_, body, field) => {
      expectFieldError(await t.http.post('/api/v1/custom-fields').set(admin.auth).send(body), field);
    });

    it('refuses a key that is taken (409)', async () => {
      await t.http.post('/api/v1/custom-fields').set(admin.auth).send({ key: 'order_no', label: 'Again', type: 'text' }).expect(409);
    });
  });

  describe('on tickets', () => {
    it('stores valid values of every type and returns them', async () => {
      const values = { order_no: 'A-100', amount: 12.5, due: '2026-03-01', colour: 'green', vip: true };
      const res = await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: values })).expect(201);
      expect(res.body.custom_fields).toEqual(values);
      const read = await t.http.get(`/api/v1/tickets/${res.body.id}`).set(client.auth).expect(200);
      expect(read.body.custom_fields).toEqual(values);
    });

    it('a ticket without custom fields has an empty object', async () => {
      const res = await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody()).expect(201);
      expect(res.body.custom_fields).toEqual({});
    });

    it.each<[string, object, string]>([
      ['a wrong type', { amount: '12' }, 'custom_fields.amount'],
      ['an impossible date', { due: '2026-02-30' }, 'custom_fields.due'],
      ['a choice that is not an option', { colour: 'blue' }, 'custom_fields.colour'],
      ['a string for a checkbox', { vip: 'yes' }, 'custom_fields.vip'],
      ['an unknown key', { nope: 'x' }, 'custom_fields.nope'],
    ])('refuses %s with a 422 naming the field', async (_, values, field) => {
      const res = await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: values }));
      expectFieldError(res, field);
    });

    it('refuses custom_fields that are not an object', async () => {
      expectFieldError(await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: ['x'] })), 'custom_fields');
    });

    it('agents change values on update; null clears one; keys left out keep theirs; customers may not', async () => {
      const created = await t.http
        .post('/api/v1/tickets')
        .set(client.auth)
        .send(ticketBody({ custom_fields: { order_no: 'A-1', amount: 1 } }))
        .expect(201);
      const id = created.body.id as number;
      const res = await t.http.patch(`/api/v1/tickets/${id}`).set(agent.auth).send({ custom_fields: { amount: 2, order_no: null, vip: false } }).expect(200);
      expect(res.body.custom_fields).toEqual({ amount: 2, vip: false });
      expectFieldError(await t.http.patch(`/api/v1/tickets/${id}`).set(agent.auth).send({ custom_fields: { amount: 'two' } }), 'custom_fields.amount');
      await t.http.patch(`/api/v1/tickets/${id}`).set(client.auth).send({ custom_fields: { amount: 3 } }).expect(403);
      expect((await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body.custom_fields).toEqual({ amount: 2, vip: false });
    });
  });

  describe('filtering the list', () => {
    let ids: Record<string, number>;

    beforeAll(async () => {
      const make = async (values: object) =>
        (await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: values })).expect(201)).body.id as number;
      ids = {
        a: await make({ order_no: 'F-1', amount: 5, vip: true, colour: 'red', due: '2026-05-01' }),
        b: await make({ order_no: 'F-2', amount: 5.0, vip: false }),
        c: await make({ order_no: 'F-3', amount: 7, vip: true }),
      };
    });

    const listIds = async (query: string) => {
      const res = await t.http.get(`/api/v1/tickets?${query}&limit=100`).set(agent.auth).expect(200);
      return (res.body.items as { id: number }[]).map((item) => item.id).filter((id) => Object.values(ids).includes(id));
    };

    it.each<[string, string[]]>([
      ['custom_fields.order_no=F-2', ['b']],
      ['custom_fields.amount=5', ['b', 'a']],
      ['custom_fields.amount=5.0', ['b', 'a']],
      ['custom_fields.vip=true', ['c', 'a']],
      ['custom_fields.vip=true&custom_fields.amount=7', ['c']],
      ['custom_fields.colour=red', ['a']],
      ['custom_fields.due=2026-05-01', ['a']],
      ['custom_fields.order_no=F-9', []],
      ['custom_fields.order_no=F-3&status=open', ['c']],
    ])('?%s', async (query, expected) => {
      expect(await listIds(query)).toEqual(expected.map((k) => ids[k]));
    });

    it('a client filtering sees only its own tickets', async () => {
      const res = await t.http.get('/api/v1/tickets?custom_fields.amount=5').set(client.auth).expect(200);
      expect(res.body.items).toEqual([]);
    });

    it.each<[string, string]>([
      ['custom_fields.nope=1', 'custom_fields.nope'],
      ['custom_fields.amount=five', 'custom_fields.amount'],
      ['custom_fields.vip=yes', 'custom_fields.vip'],
      ['custom_fields.colour=blue', 'custom_fields.colour'],
      ['custom_fields.due=tomorrow', 'custom_fields.due'],
      ['custom_fields.amount=1&custom_fields.amount=2', 'custom_fields.amount'],
      ['custom_fields=x', 'custom_fields'],
    ])('?%s is a 422 naming %s', async (query, field) => {
      expectFieldError(await t.http.get(`/api/v1/tickets?${query}`).set(agent.auth), field);
    });

    it('the filter uses the GIN index when the table is large', async () => {
      const clientId = client.user.id;
      await t.db.query(
        `INSERT INTO tickets (title, description, client_id, frt_deadline, ttr_deadline, custom_fields)
         SELECT 'Bulk ' || n, 'Seeded for the plan', $1, now(), now(), jsonb_build_object('order_no', 'B-' || n, 'amount', n % 50)
           FROM generate_series(1, 20000) AS n`,
        [clientId],
      );
      await t.db.query('ANALYZE tickets');
      const plan: { 'QUERY PLAN': string }[] = await t.db.query(
        `EXPLAIN SELECT t.id FROM tickets t WHERE t.custom_fields @> $1::jsonb ORDER BY t.created_at DESC, t.id DESC LIMIT 21`,
        [JSON.stringify({ order_no: 'B-777' })],
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('tickets_custom_fields_idx');
      const res = await t.http.get('/api/v1/tickets?custom_fields.order_no=B-777').set(agent.auth).expect(200);
      expect(res.body.items.map((i: { title: string }) => i.title)).toEqual(['Bulk 777']);
    });
  });

  describe('a required field', () => {
    let region: Field;

    beforeAll(async () => {
      region = await define({ key: 'region', label: 'Region', type: 'select', options: ['EU', 'US'], required: true });
    });
    afterAll(async () => {
      await t.http.delete(`/api/v1/custom-fields/${region.id}`).set(admin.auth).expect(204);
    });

    it('a ticket opened over REST must carry it (422 naming it)', async () => {
      expectFieldError(await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody()), 'custom_fields.region');
      expectFieldError(await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: { order_no: 'R-1' } })), 'custom_fields.region');
      const ok = await t.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { region: 'EU' } })).expect(201);
      expect(ok.body.custom_fields).toEqual({ region: 'EU' });
      // It cannot be cleared afterwards.
      expectFieldError(await t.http.patch(`/api/v1/tickets/${ok.body.id}`).set(agent.auth).send({ custom_fields: { region: null } }), 'custom_fields.region');
    });

    it('a ticket from the chat (no form to fill) opens without it, and changes without it', async () => {
      const socket = await connect(t.baseUrl, client.token);
      try {
        const ack = await request<{ ok: boolean; ticket_id: number }>(socket, 'ticket:create', ticketBody());
        expect(ack.ok).toBe(true);
        const res = await t.http.patch(`/api/v1/tickets/${ack.ticket_id}`).set(agent.auth).send({ priority: 'high' }).expect(200);
        expect(res.body.custom_fields).toEqual({});
        const filled = await t.http.patch(`/api/v1/tickets/${ack.ticket_id}`).set(agent.auth).send({ custom_fields: { region: 'US' } }).expect(200);
        expect(filled.body.custom_fields).toEqual({ region: 'US' });
      } finally {
        socket.close();
      }
    });

    it('tickets made before it existed keep working', async () => {
      const old = await createTicket(t.db, { clientId: client.user.id });
      const res = await t.http.patch(`/api/v1/tickets/${old.id}`).set(client.auth).send({ title: 'Renamed later' }).expect(200);
      expect(res.body.custom_fields).toEqual({});
    });
  });

  describe('changing and deleting a definition', () => {
    it('a new key moves the values; a new type is refused while values exist; removing a held option is refused', async () => {
      const field = await define({ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro', 'team'] });
      const ticket = (await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: { plan: 'pro' } })).expect(201)).body;
      await t.http.patch(`/api/v1/custom-fields/${field.id}`).set(admin.auth).send({ type: 'text' }).expect(409);
      await t.http.patch(`/api/v1/custom-fields/${field.id}`).set(admin.auth).send({ options: ['free', 'team'] }).expect(409);
      await t.http.patch(`/api/v1/custom-fields/${field.id}`).set(admin.auth).send({ options: ['free', 'pro'] }).expect(200);
      const renamed = await t.http.patch(`/api/v1/custom-fields/${field.id}`).set(admin.auth).send({ key: 'tariff', label: 'Tariff' }).expect(200);
      expect(renamed.body).toMatchObject({ key: 'tariff', label: 'Tariff', options: ['free', 'pro'] });
      expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set(agent.auth).expect(200)).body.custom_fields).toEqual({ tariff: 'pro' });
      expectFieldError(await t.http.get('/api/v1/tickets?custom_fields.plan=pro').set(agent.auth), 'custom_fields.plan');
      const listed = await t.http.get('/api/v1/tickets?custom_fields.tariff=pro').set(agent.auth).expect(200);
      expect(listed.body.items.map((i: { id: number }) => i.id)).toEqual([ticket.id]);
    });

    it('a type may change while no ticket holds a value', async () => {
      const field = await define({ key: 'score', label: 'Score', type: 'text' });
      const res = await t.http.patch(`/api/v1/custom-fields/${field.id}`).set(admin.auth).send({ type: 'number' }).expect(200);
      expect(res.body).toMatchObject({ type: 'number', options: null });
    });

    it('deleting a definition deletes every ticket’s value of it', async () => {
      const field = await define({ key: 'temp', label: 'Temporary', type: 'checkbox' });
      const ticket = (await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: { temp: true, order_no: 'D-1' } })).expect(201)).body;
      await t.http.delete(`/api/v1/custom-fields/${field.id}`).set(admin.auth).expect(204);
      await t.http.delete(`/api/v1/custom-fields/${field.id}`).set(admin.auth).expect(404);
      expect((await t.http.get(`/api/v1/tickets/${ticket.id}`).set(agent.auth).expect(200)).body.custom_fields).toEqual({ order_no: 'D-1' });
      expectFieldError(await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: { temp: true } })), 'custom_fields.temp');
    });
  });

  it('handles 250 fields on one ticket', async () => {
    await t.db.query(`INSERT INTO custom_fields (key, label, type) SELECT 'many_' || n, 'Many ' || n, 'number' FROM generate_series(1, 250) AS n`);
    const values = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`many_${i + 1}`, i]));
    // The cache hears of the insert by NOTIFY; the first create after it may still race it.
    await waitFor(async () => (await t.http.post('/api/v1/tickets').set(agent.auth).send(ticketBody({ custom_fields: values }))).status === 201);
    const listed = await t.http.get('/api/v1/tickets?custom_fields.many_250=249').set(agent.auth).expect(200);
    expect(Object.keys(listed.body.items[0].custom_fields)).toHaveLength(250);
  });
});

describe('custom-field definitions across instances', () => {
  let a: TestApp;
  let b: TestApp;
  twoInstances({}, (first, second) => {
    a = first;
    b = second;
  });

  it('a field defined on one instance binds tickets opened on the other', async () => {
    const admin = await signedIn(a, { role: 'admin' });
    const client = await signedIn(b);
    // B has read (and cached) the definitions: none.
    await b.http.post('/api/v1/tickets').set(client.auth).send(ticketBody()).expect(201);
    await a.http.post('/api/v1/custom-fields').set(admin.auth).send({ key: 'contract', label: 'Contract', type: 'text', required: true }).expect(201);
    await waitFor(async () => (await b.http.post('/api/v1/tickets').set(client.auth).send(ticketBody())).status === 422);
    const ok = await b.http.post('/api/v1/tickets').set(client.auth).send(ticketBody({ custom_fields: { contract: 'C-7' } })).expect(201);
    expect(ok.body.custom_fields).toEqual({ contract: 'C-7' });
  });
});

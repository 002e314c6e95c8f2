import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

describe('queues', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let client: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signedIn(t, { role: 'admin' });
    client = await signedIn(t, { role: 'client' });
  });
  afterAll(() => t.close());

  it('lists the seeded queues to anyone signed in', async () => {
    const res = await t.http.get('/api/v1/queues').set(client.auth).expect(200);
    expect(res.body.items.map((q: { name: string }) => q.name)).toEqual([
      'Technical support',
      'Billing',
      'Logistics',
      'General questions',
      'Email',
    ]);
    expect(res.body.next_cursor).toBeNull();
    await t.http.get('/api/v1/queues').expect(401);
  });

  it('lets an admin create, rename and delete a queue', async () => {
    const created = await t.http.post('/api/v1/queues').set(admin.auth).send({ name: ' Returns ', description: 'Returns and exchanges' }).expect(201);
    expect(created.body).toMatchObject({ name: 'Returns', description: 'Returns and exchanges' });
    const id = created.body.id as number;
    const renamed = await t.http.patch(`/api/v1/queues/${id}`).set(admin.auth).send({ name: 'Returns & exchanges' }).expect(200);
    expect(renamed.body).toMatchObject({ id, name: 'Returns & exchanges', description: 'Returns and exchanges' });
    await t.http.get(`/api/v1/queues/${id}`).set(client.auth).expect(200);
    await t.http.delete(`/api/v1/queues/${id}`).set(admin.auth).expect(204);
    await t.http.get(`/api/v1/queues/${id}`).set(client.auth).expect(404);
    await t.http.delete(`/api/v1/queues/${id}`).set(admin.auth).expect(404);
  });

  it('refuses (409) to delete a queue that still has tickets, and deletes it once they moved', async () => {
    const queue = (await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'Warranty' }).expect(201)).body as { id: number };
    const ticket = await t.http
      .post('/api/v1/tickets')
      .set(client.auth)
      .send({ title: 'Broken hinge', description: 'It snapped after a week.', queue_id: queue.id })
      .expect(201);
    expect(ticket.body.queue_id).toBe(queue.id);

    const res = await t.http.delete(`/api/v1/queues/${queue.id}`).set(admin.auth).expect(409);
    expect(res.body).toEqual({
      status_code: 409,
      error: 'conflict',
      message: expect.any(String),
      details: expect.any(Array),
      request_id: res.headers['x-request-id'],
    });
    expect(res.body.request_id).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/violates|foreign key|constraint|SELECT|DELETE FROM|\.ts:/i);
    const listed = await t.http.get('/api/v1/queues').set(client.auth).expect(200);
    expect(listed.body.items.map((q: { id: number }) => q.id)).toContain(queue.id);
    await t.http.get(`/api/v1/tickets/${ticket.body.id}`).set(client.auth).expect(200);

    // Once its ticket is in another queue, the now empty queue can go.
    const agent = await signedIn(t, { role: 'agent' });
    const [other] = listed.body.items as { id: number }[];
    await t.http.patch(`/api/v1/tickets/${ticket.body.id}`).set(agent.auth).send({ queue_id: other.id }).expect(200);
    const deleted = await t.http.delete(`/api/v1/queues/${queue.id}`).set(admin.auth).expect(204);
    expect(deleted.text).toBe('');
    const after = await t.http.get('/api/v1/queues').set(client.auth).expect(200);
    expect(after.body.items.map((q: { id: number }) => q.id)).not.toContain(queue.id);
  });

  it('answers 409 for a name taken in any letter case', async () => {
    const res = await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'BILLING' }).expect(409);
    expect(res.body.error).toBe('conflict');
    const [first] = (await t.http.get('/api/v1/queues').set(admin.auth)).body.items;
    await t.http.patch(`/api/v1/queues/${first.id}`).set(admin.auth).send({ name: 'billing' }).expect(409);
  });

  it('answers 422 for a blank name or unknown fields', async () => {
    await t.http.post('/api/v1/queues').set(admin.auth).send({ name: '  ' }).expect(422);
    await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'Ok', colour: 'red' }).expect(422);
    await t.http.patch('/api/v1/queues/1').set(admin.auth).send({ name: '' }).expect(422);
  });

  it.each(['client', 'agent'] as const)('forbids a %s to manage queues', async (role) => {
    const caller = role === 'client' ? client : await signedIn(t, { role });
    await t.http.post('/api/v1/queues').set(caller.auth).send({ name: 'Sneaky' }).expect(403);
    await t.http.patch('/api/v1/queues/1').set(caller.auth).send({ name: 'Sneaky' }).expect(403);
    await t.http.delete('/api/v1/queues/1').set(caller.auth).expect(403);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM queues WHERE name = 'Sneaky'`);
    expect(count).toBe(0);
  });
});

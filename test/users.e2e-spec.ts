import { DEFAULT_PASSWORD, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

describe('users (admin)', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signedIn(t, { role: 'admin' });
  });
  afterAll(() => t.close());

  it('creates an agent who can log in', async () => {
    const res = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ email: 'New.Agent@example.test', password: 'agent-password', name: 'New Agent', role: 'agent' })
      .expect(201);
    expect(res.body).toMatchObject({ email: 'new.agent@example.test', role: 'agent', is_active: true });
    const login = await t.http.post('/api/v1/auth/login').send({ email: 'new.agent@example.test', password: 'agent-password' }).expect(200);
    const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
    expect(me.body.role).toBe('agent');
  });

  it('answers 409 for a taken e-mail and 422 for an unknown role', async () => {
    const { user } = await signedIn(t);
    await t.http.post('/api/v1/users').set(admin.auth).send({ email: user.email.toUpperCase(), password: 'long-enough', name: 'X', role: 'agent' }).expect(409);
    const res = await t.http.post('/api/v1/users').set(admin.auth).send({ email: 'r@example.test', password: 'long-enough', name: 'X', role: 'owner' }).expect(422);
    expect(res.body.details[0].field).toBe('role');
  });

  it.each(['client', 'agent'] as const)('forbids a %s every admin route with 403', async (role) => {
    const caller = await signedIn(t, { role });
    const res = await t.http.get('/api/v1/users').set(caller.auth).expect(403);
    expect(res.body.error).toBe('forbidden');
    await t.http.post('/api/v1/users').set(caller.auth).send({ email: 'z@example.test', password: 'long-enough', name: 'Z', role: 'admin' }).expect(403);
    await t.http.get(`/api/v1/users/${caller.user.id}`).set(caller.auth).expect(403);
    await t.http.patch(`/api/v1/users/${caller.user.id}`).set(caller.auth).send({ role: 'admin' }).expect(403);
    const [row] = await t.db.query('SELECT role FROM users WHERE id = $1', [caller.user.id]);
    expect(row.role).toBe(role);
  });

  it('deactivation ends every token of that user at once', async () => {
    const client = await signedIn(t);
    const login = await t.http.post('/api/v1/auth/login').send({ email: client.user.email, password: DEFAULT_PASSWORD }).expect(200);
    await t.http.get('/api/v1/auth/me').set(client.auth).expect(200);
    const res = await t.http.patch(`/api/v1/users/${client.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    expect(res.body.is_active).toBe(false);
    await t.http.get('/api/v1/auth/me').set(client.auth).expect(401);
    await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(401);
    await t.http.post('/api/v1/auth/login').send({ email: client.user.email, password: DEFAULT_PASSWORD }).expect(401);
    // Reactivated, the user logs in again, but the old tokens stay dead.
    await t.http.patch(`/api/v1/users/${client.user.id}`).set(admin.auth).send({ is_active: true }).expect(200);
    await t.http.post('/api/v1/auth/login').send({ email: client.user.email, password: DEFAULT_PASSWORD }).expect(200);
    await t.http.get('/api/v1/auth/me').set(client.auth).expect(401);
  });

  it('a role change ends the old tokens; a rename does not', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    await t.http.patch(`/api/v1/users/${agent.user.id}`).set(admin.auth).send({ name: 'Renamed' }).expect(200);
    await t.http.get('/api/v1/auth/me').set(agent.auth).expect(200);
    const res = await t.http.patch(`/api/v1/users/${agent.user.id}`).set(admin.auth).send({ role: 'admin' }).expect(200);
    expect(res.body).toMatchObject({ role: 'admin', name: 'Renamed' });
    await t.http.get('/api/v1/auth/me').set(agent.auth).expect(401);
  });

  it('keeps the last active admin', async () => {
    const t2 = await createTestApp();
    try {
      const only = await signedIn(t2, { role: 'admin' });
      const res = await t2.http.patch(`/api/v1/users/${only.user.id}`).set(only.auth).send({ is_active: false }).expect(409);
      expect(res.body.error).toBe('conflict');
      await t2.http.patch(`/api/v1/users/${only.user.id}`).set(only.auth).send({ role: 'agent' }).expect(409);
      await t2.http.get('/api/v1/auth/me').set(only.auth).expect(200);
    } finally {
      await t2.close();
    }
  });

  it('gets one user; 404 for a missing one; 422 for a non-integer id', async () => {
    const res = await t.http.get(`/api/v1/users/${admin.user.id}`).set(admin.auth).expect(200);
    expect(res.body).toMatchObject({ id: admin.user.id, role: 'admin' });
    await t.http.get('/api/v1/users/999999').set(admin.auth).expect(404);
    for (const bad of ['abc', '1.5', '-1', '0', '99999999999']) {
      const r = await t.http.get(`/api/v1/users/${bad}`).set(admin.auth).expect(422);
      expect(r.body.error).toBe('validation_failed');
    }
  });

  it('lists with filters and a keyset cursor that neither repeats nor skips', async () => {
    for (let i = 0; i < 5; i += 1) await signedIn(t, { role: 'agent', name: `Pager ${i}` });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { items: { id: number; role: string }[]; next_cursor: string | null } } = await t.http
        .get('/api/v1/users')
        .query({ role: 'agent', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.items.every((u) => u.role === 'agent')).toBe(true);
      seen.push(...page.body.items.map((u) => u.id));
      cursor = page.body.next_cursor;
      // A user created while paging shows up at the end, once.
      if (pages === 0) await signedIn(t, { role: 'agent', name: 'Late' });
      pages += 1;
    } while (cursor);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE role = 'agent'`);
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('searches by name and e-mail', async () => {
    await signedIn(t, { name: 'Zebediah Findme' });
    const res = await t.http.get('/api/v1/users').query({ q: 'findme' }).set(admin.auth).expect(200);
    expect(res.body.items.map((u: { name: string }) => u.name)).toEqual(['Zebediah Findme']);
  });

  it.each([
    ['a tampered cursor', { cursor: 'not-a-cursor' }],
    ['a cursor of the wrong shape', { cursor: Buffer.from('["x"]').toString('base64url') }],
    ['a limit over 100', { limit: 101 }],
    ['a zero limit', { limit: 0 }],
    ['an unknown filter', { colour: 'red' }],
    ['a bad boolean', { is_active: 'maybe' }],
  ])('answers 422 for %s', async (_, query) => {
    const res = await t.http.get('/api/v1/users').query(query).set(admin.auth).expect(422);
    expect(res.body.error).toBe('validation_failed');
  });
});

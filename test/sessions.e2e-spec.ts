import { DEFAULT_PASSWORD, signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { twoInstances } from './utils/two-instances.js';

/**
 * Verified sessions are cached per instance; a change made on one instance (or straight in the
 * database) must end tokens on every instance.
 */
describe('sessions across instances', () => {
  let a: TestApp;
  let b: TestApp;
  twoInstances({}, (first, second) => {
    a = first;
    b = second;
  });

  /** Polls until the request is refused; fails if it still works after a second. */
  async function refusedSoon(app: TestApp, token: string): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < 1000) {
      const res = await app.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
      if (res.status === 401) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the token still works on the other instance after 1 s');
  }

  it('a logout on one instance ends the token on the other', async () => {
    const user = await signedIn(a);
    // Both instances have verified (and cached) the token.
    await a.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await a.http.post('/api/v1/auth/logout').set(user.auth).expect(204);
    await a.http.get('/api/v1/auth/me').set(user.auth).expect(401);
    await refusedSoon(b, user.token);
  });

  it('deactivation on one instance ends the tokens on the other', async () => {
    const admin = await signedIn(a, { role: 'admin' });
    const user = await signedIn(a);
    await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await a.http.patch(`/api/v1/users/${user.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    await refusedSoon(b, user.token);
  });

  it('a password change on one instance ends the user’s other tokens on the other, and keeps the one it was made with', async () => {
    const user = await signedIn(a);
    const other = (await b.http.post('/api/v1/auth/login').send({ email: user.user.email, password: DEFAULT_PASSWORD }).expect(200)).body.access_token as string;
    // Both tokens verified (and cached) on both instances.
    for (const app of [a, b]) for (const token of [user.token, other]) await app.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await a.http.post('/api/v1/auth/password').set(user.auth).send({ current_password: DEFAULT_PASSWORD, new_password: 'changed-on-instance-a' }).expect(204);
    await a.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${other}`).expect(401);
    await refusedSoon(b, other);
    await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await a.http.get('/api/v1/auth/me').set(user.auth).expect(200);
  });

  it('a change made straight in the database reaches both instances', async () => {
    const user = await signedIn(a);
    await a.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await a.db.query('UPDATE users SET is_active = false WHERE id = $1', [user.user.id]);
    await refusedSoon(a, user.token);
    await refusedSoon(b, user.token);
  });

  it('each instance checks tokens with its own key, database and cache, though passport keeps one registry per process', async () => {
    // c starts last, so passport's process-wide 'jwt' strategy is c's; c has its own secret and database.
    const c = await createTestApp({ JWT_SECRET: 'another-test-secret-that-is-long-enough' });
    try {
      const onA = await signedIn(a);
      const onC = await signedIn(c);
      const res = await a.http.get('/api/v1/auth/me').set(onA.auth).expect(200);
      expect(res.body.email).toBe(onA.user.email);
      await b.http.get('/api/v1/auth/me').set(onA.auth).expect(200);
      await c.http.get('/api/v1/auth/me').set(onC.auth).expect(200);
      await c.http.get('/api/v1/auth/me').set(onA.auth).expect(401);
      await a.http.get('/api/v1/auth/me').set(onC.auth).expect(401);
      await a.http.post('/api/v1/auth/logout').set(onA.auth).expect(204);
      await a.http.get('/api/v1/auth/me').set(onA.auth).expect(401);
    } finally {
      await c.close();
    }
    // c is gone but still registered with passport: the others keep working.
    const after = await signedIn(b);
    await b.http.get('/api/v1/auth/me').set(after.auth).expect(200);
    await a.http.get('/api/v1/auth/me').set(after.auth).expect(200);
  });

  it('a renamed user is seen with the new name on both instances', async () => {
    const admin = await signedIn(a, { role: 'admin' });
    const user = await signedIn(a, { role: 'agent', name: 'Old Name' });
    await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    await a.http.patch(`/api/v1/users/${user.user.id}`).set(admin.auth).send({ name: 'New Name' }).expect(200);
    const res = await b.http.get('/api/v1/auth/me').set(user.auth).expect(200);
    expect(res.body.name).toBe('New Name');
  });
});

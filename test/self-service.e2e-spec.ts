import { DEFAULT_PASSWORD, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { connect, disconnected, request } from './utils/socket.js';

const INVALID_TOKEN = 'Bearer error="invalid_token"';

/** PATCH /auth/me, POST /auth/password, the 401 challenge and the OpenAPI document's info. */
describe('self-service', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '300', DOCS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const me = (token: string) => t.http.get('/api/v1/auth/me').set(bearer(token));
  const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });
  const changePassword = (who: { token: string }, body: object) => t.http.post('/api/v1/auth/password').set(bearer(who.token)).send(body);
  /** Another token of the same user, as a second device would get it. */
  const secondToken = async (user: SignedInUser, password = DEFAULT_PASSWORD): Promise<string> =>
    (await login(user.user.email, password).expect(200)).body.access_token as string;

  describe('PATCH /auth/me', () => {
    it('changes the caller’s name; /auth/me and the token keep up at once', async () => {
      const user = await signedIn(t);
      expect((await me(user.token).expect(200)).body).toMatchObject({ id: user.user.id, notify_by_email: true });

      const res = await t.http.patch('/api/v1/auth/me').set(user.auth).send({ name: '  Casey Renamed ' }).expect(200);
      expect(res.body).toMatchObject({ id: user.user.id, name: 'Casey Renamed', email: user.user.email, role: 'client', notify_by_email: true });
      expect((await me(user.token).expect(200)).body.name).toBe('Casey Renamed');
      const [row] = await t.db.query('SELECT name FROM users WHERE id = $1', [user.user.id]);
      expect(row.name).toBe('Casey Renamed');
    });

    it('stores notify_by_email (default true) and shows it in user responses', async () => {
      const user = await signedIn(t, { role: 'agent' });
      const admin = await signedIn(t, { role: 'admin' });
      const res = await t.http.patch('/api/v1/auth/me').set(user.auth).send({ notify_by_email: false }).expect(200);
      expect(res.body).toMatchObject({ notify_by_email: false, name: user.user.name });
      expect((await me(user.token).expect(200)).body.notify_by_email).toBe(false);
      expect((await t.http.get(`/api/v1/users/${user.user.id}`).set(admin.auth).expect(200)).body.notify_by_email).toBe(false);
      const [row] = await t.db.query('SELECT notify_by_email FROM users WHERE id = $1', [user.user.id]);
      expect(row.notify_by_email).toBe(false);

      await t.http.patch('/api/v1/auth/me').set(user.auth).send({ notify_by_email: true, name: 'Both At Once' }).expect(200);
      expect((await me(user.token).expect(200)).body).toMatchObject({ notify_by_email: true, name: 'Both At Once' });
      // An empty change is no change.
      expect((await t.http.patch('/api/v1/auth/me').set(user.auth).send({}).expect(200)).body).toMatchObject({ name: 'Both At Once' });
    });

    it.each([
      ['a role (no privilege escalation)', { role: 'admin' }, 'role'],
      ['an e-mail', { email: 'new@example.test' }, 'email'],
      ['is_active', { is_active: true }, 'is_active'],
      ['a password (it has its own route)', { password: 'another-long-one' }, 'password'],
      ['a token version', { token_version: 0 }, 'token_version'],
      ['a null name', { name: null }, 'name'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name too long', { name: 'x'.repeat(201) }, 'name'],
      ['notify_by_email as a string', { notify_by_email: 'false' }, 'notify_by_email'],
    ])('refuses %s with 422 and changes nothing', async (_, body, field) => {
      const user = await signedIn(t);
      const res = await t.http.patch('/api/v1/auth/me').set(user.auth).send({ name: 'Not Applied', ...body }).expect(422);
      expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed' });
      expect(JSON.stringify(res.body.details)).toContain(field);
      const [row] = await t.db.query('SELECT name, role, email, is_active FROM users WHERE id = $1', [user.user.id]);
      expect(row).toEqual({ name: user.user.name, role: 'client', email: user.user.email, is_active: true });
    });

    it('needs a token', async () => {
      const res = await t.http.patch('/api/v1/auth/me').send({ name: 'Nobody' }).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('POST /auth/password', () => {
    it('changes the password: the old one is refused, the new one works, other tokens end at once, this one keeps working', async () => {
      const user = await signedIn(t);
      const other = await secondToken(user);
      await me(other).expect(200); // verified and cached before the change

      const res = await changePassword(user, { current_password: DEFAULT_PASSWORD, new_password: 'a-brand-new-secret' }).expect(204);
      expect(res.text).toBe('');

      const refused = await me(other).expect(401);
      expect(refused.headers['www-authenticate']).toBe(INVALID_TOKEN);
      await me(user.token).expect(200);
      await t.http.patch('/api/v1/auth/me').set(user.auth).send({ name: 'Still Me' }).expect(200);

      expect((await login(user.user.email, DEFAULT_PASSWORD).expect(401)).body).toMatchObject({ error: 'unauthorized' });
      const fresh = await secondToken(user, 'a-brand-new-secret');
      await me(fresh).expect(200);
      const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.user.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain('a-brand-new-secret');
    });

    it('keeps only the latest token: a second change from another device ends the token kept by the first', async () => {
      const user = await signedIn(t);
      await changePassword(user, { current_password: DEFAULT_PASSWORD, new_password: 'second-password-1' }).expect(204);
      const laptop = await secondToken(user, 'second-password-1');
      await changePassword({ token: laptop }, { current_password: 'second-password-1', new_password: 'third-password-22' }).expect(204);
      await me(laptop).expect(200);
      await me(user.token).expect(401);
    });

    it('does not shield the kept token from a later deactivation or a logout', async () => {
      const admin = await signedIn(t, { role: 'admin' });
      const user = await signedIn(t);
      await changePassword(user, { current_password: DEFAULT_PASSWORD, new_password: 'new-password-to-keep' }).expect(204);
      await me(user.token).expect(200);
      await t.http.patch(`/api/v1/users/${user.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
      await me(user.token).expect(401);
      await t.http.patch(`/api/v1/users/${user.user.id}`).set(admin.auth).send({ is_active: true }).expect(200);
      await me(user.token).expect(401);

      const other = await signedIn(t);
      await changePassword(other, { current_password: DEFAULT_PASSWORD, new_password: 'new-password-to-end' }).expect(204);
      await t.http.post('/api/v1/auth/logout').set(other.auth).expect(204);
      await me(other.token).expect(401);
    });

    it('disconnects the sockets of the other tokens and keeps this token’s socket', async () => {
      const user = await signedIn(t);
      const other = await secondToken(user);
      const keptSocket = await connect(t.baseUrl, user.token);
      const otherSocket = await connect(t.baseUrl, other);
      try {
        await changePassword(user, { current_password: DEFAULT_PASSWORD, new_password: 'socket-safe-password' }).expect(204);
        await disconnected(otherSocket);
        expect(keptSocket.connected).toBe(true);
        const ack = await request(keptSocket, 'ticket:create', { title: 'Still connected', description: 'after my password change' });
        expect(ack).toMatchObject({ ok: true });
      } finally {
        keptSocket.close();
        otherSocket.close();
      }
    });

    it('refuses a wrong current password with 422 naming the field, and changes nothing', async () => {
      const user = await signedIn(t);
      const other = await secondToken(user);
      const res = await changePassword(user, { current_password: 'not-my-password', new_password: 'whatever-long' }).expect(422);
      expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed', details: [{ field: 'current_password', problems: ['current_password is wrong'] }] });
      // 422, not 401: the token is fine, so no challenge.
      expect(res.headers['www-authenticate']).toBeUndefined();
      await me(user.token).expect(200);
      await me(other).expect(200);
      await login(user.user.email, DEFAULT_PASSWORD).expect(200);
    });

    it.each([
      ['a new password shorter than signup allows', { current_password: DEFAULT_PASSWORD, new_password: 'short' }, 'new_password'],
      ['a new password longer than signup allows', { current_password: DEFAULT_PASSWORD, new_password: 'x'.repeat(201) }, 'new_password'],
      ['a new password that is not a string', { current_password: DEFAULT_PASSWORD, new_password: 12345678 }, 'new_password'],
      ['the same password again', { current_password: DEFAULT_PASSWORD, new_password: DEFAULT_PASSWORD }, 'new_password'],
      ['no current password', { new_password: 'long-enough-new' }, 'current_password'],
      ['an unknown field', { current_password: DEFAULT_PASSWORD, new_password: 'long-enough-new', role: 'admin' }, 'role'],
    ])('refuses %s with 422', async (_, body, field) => {
      const user = await signedIn(t);
      const res = await changePassword(user, body).expect(422);
      expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed' });
      expect(JSON.stringify(res.body.details)).toContain(field);
      await login(user.user.email, DEFAULT_PASSWORD).expect(200);
    });

    it('throttles wrong current passwords like failed logins: 429 with Retry-After, even for the right one', async () => {
      const user = await signedIn(t);
      for (let i = 0; i < 3; i += 1) await changePassword(user, { current_password: `wrong-${i}`, new_password: 'new-long-password' }).expect(422);
      const limited = await changePassword(user, { current_password: DEFAULT_PASSWORD, new_password: 'new-long-password' }).expect(429);
      expect(limited.body).toMatchObject({ status_code: 429, error: 'rate_limited' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await login(user.user.email, DEFAULT_PASSWORD).expect(200);
    });

    it('needs a token', async () => {
      const res = await t.http.post('/api/v1/auth/password').send({ current_password: DEFAULT_PASSWORD, new_password: 'long-enough-new' }).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('WWW-Authenticate on 401', () => {
    it('says Bearer without a token, invalid_token for a refused one, on any route', async () => {
      const user = await signedIn(t);
      const none = await t.http.get('/api/v1/tickets').expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      await t.http.post('/api/v1/auth/logout').set(user.auth).expect(204);
      const revoked = await t.http.get('/api/v1/tickets').set(user.auth).expect(401);
      expect(revoked.headers['www-authenticate']).toBe(INVALID_TOKEN);
      expect(revoked.body).toMatchObject({ status_code: 401, error: 'unauthorized' });
      // A failed login is a 401 too: it carries the bare challenge.
      const failed = await login(user.user.email, 'wrong-password').expect(401);
      expect(failed.headers['www-authenticate']).toBe('Bearer');
    });

    it('carries no challenge on other errors, and lets browser clients read it (CORS)', async () => {
      const user = await signedIn(t);
      const forbidden = await t.http.get('/api/v1/users').set(user.auth).expect(403);
      expect(forbidden.headers['www-authenticate']).toBeUndefined();
      const res = await t.http.get('/api/v1/tickets').set('Origin', 'https://console.example.test').expect(401);
      expect(res.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    });
  });

  describe('the OpenAPI document', () => {
    it('names the license and a contact, and documents the new routes', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      expect(doc.info.license).toEqual({ name: 'MIT', url: 'https://opensource.org/licenses/MIT' });
      expect(doc.info.contact).toMatchObject({ name: expect.any(String), url: expect.stringMatching(/^https:\/\//), email: expect.stringContaining('@') });
      expect(Object.keys(doc.paths['/api/v1/auth/me'])).toEqual(expect.arrayContaining(['get', 'patch']));
      expect(doc.paths['/api/v1/auth/password'].post).toBeDefined();
      expect(doc.paths['/api/v1/tickets/{id}/attachments'].post).toBeDefined();
      expect(doc.paths['/api/v1/attachments/ticket/{ticket_id}'].get).toBeDefined();
      expect(doc.paths['/api/v1/attachments/{id}'].delete).toBeDefined();
    });
  });
});

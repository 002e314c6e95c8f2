import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createUser, DEFAULT_PASSWORD, signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { decodeJwtPayload, handMadeJwt } from './utils/jwt.js';
import { connect } from './utils/socket.js';
import { waitFor } from './utils/wait.js';

const ERROR_KEYS = ['details', 'error', 'message', 'request_id', 'status_code'];

const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * A 401 in the contract's error shape (never passport's own plain-text "Unauthorized"), with the
 * RFC 6750 challenge: `invalid_token` when a bearer token was sent and refused.
 */
function expectUnauthorizedShape(res: Response, challenge = INVALID_TOKEN_CHALLENGE): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
  expect(res.body).toMatchObject({ status_code: 401, error: 'unauthorized', details: [] });
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
  expect(res.headers['www-authenticate']).toBe(challenge);
}

describe('auth', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '300' });
  });
  afterAll(() => t.close());

  const me = (token: string) => t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

  describe('signup', () => {
    it('creates a client, normalises the e-mail and signs it in', async () => {
      const res = await t.http
        .post('/api/v1/auth/signup')
        .send({ email: '  Casey.Customer@Example.TEST ', password: 'long-enough', name: ' Casey ' })
        .expect(201);
      expect(res.body.user).toMatchObject({ email: 'casey.customer@example.test', name: 'Casey', role: 'client', is_active: true });
      expect(res.body.user).not.toHaveProperty('password_hash');
      expect(res.body.user).not.toHaveProperty('password');
      expect(res.body.token_type).toBe('bearer');
      const who = await me(res.body.access_token).expect(200);
      expect(who.body.id).toBe(res.body.user.id);
    });

    it('stores a hash, never the password', async () => {
      await t.http.post('/api/v1/auth/signup').send({ email: 'hash@example.test', password: 'plain-text-pw', name: 'H' }).expect(201);
      const [row] = await t.db.query(`SELECT password_hash FROM users WHERE email = 'hash@example.test'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain('plain-text-pw');
    });

    it.each([
      ['the same e-mail', 'dup@example.test'],
      ['the same e-mail in other letter case', 'DUP@Example.Test'],
    ])('answers 409 for %s', async (_, email) => {
      await createUser(t.db, { email: 'dup@example.test' });
      const res = await t.http.post('/api/v1/auth/signup').send({ email, password: 'long-enough', name: 'Dup' }).expect(409);
      expect(res.body).toMatchObject({ status_code: 409, error: 'conflict' });
      await t.db.query(`DELETE FROM users WHERE email = 'dup@example.test'`);
    });

    it.each([
      ['a short password', { email: 'a@example.test', password: 'short', name: 'A' }, 'password'],
      ['a bad e-mail', { email: 'not-an-email', password: 'long-enough', name: 'A' }, 'email'],
      ['a blank name', { email: 'b@example.test', password: 'long-enough', name: '   ' }, 'name'],
      ['a role (unknown field)', { email: 'c@example.test', password: 'long-enough', name: 'C', role: 'admin' }, 'role'],
      ['a number as e-mail', { email: 42, password: 'long-enough', name: 'C' }, 'email'],
    ])('answers 422 for %s and stores nothing', async (_, body, field) => {
      const res = await t.http.post('/api/v1/auth/signup').send(body).expect(422);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE email = $1`, [String(body.email)]);
      expect(count).toBe(0);
    });
  });

  describe('login', () => {
    it('returns a bearer token that works', async () => {
      const user = await createUser(t.db, { email: 'login@example.test' });
      const res = await t.http.post('/api/v1/auth/login').send({ email: 'LOGIN@example.test', password: DEFAULT_PASSWORD }).expect(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
      expect(decodeJwtPayload(res.body.access_token)).toMatchObject({ sub: user.id, jti: expect.any(String) });
      const who = await me(res.body.access_token).expect(200);
      expect(who.body.last_login_at).not.toBeNull();
    });

    it('gives one message for an unknown e-mail and a wrong password', async () => {
      await createUser(t.db, { email: 'known@example.test' });
      const wrong = await t.http.post('/api/v1/auth/login').send({ email: 'known@example.test', password: 'not-the-password' }).expect(401);
      const unknown = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'whatever-pw' }).expect(401);
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.body.error).toBe('unauthorized');
    });

    it('refuses deactivated users and password-less contacts', async () => {
      await createUser(t.db, { email: 'gone@example.test', isActive: false });
      await createUser(t.db, { email: 'contact@example.test', password: null });
      await t.http.post('/api/v1/auth/login').send({ email: 'gone@example.test', password: DEFAULT_PASSWORD }).expect(401);
      await t.http.post('/api/v1/auth/login').send({ email: 'contact@example.test', password: DEFAULT_PASSWORD }).expect(401);
    });

    it('throttles repeated failures with 429 and Retry-After, even for the right password', async () => {
      await createUser(t.db, { email: 'throttled@example.test' });
      for (let i = 0; i < 3; i += 1) {
        await t.http.post('/api/v1/auth/login').send({ email: 'throttled@example.test', password: 'wrong-password' }).expect(401);
      }
      const res = await t.http.post('/api/v1/auth/login').send({ email: 'throttled@example.test', password: DEFAULT_PASSWORD }).expect(429);
      expect(res.body.error).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(300);
      // Another account from the same address is not locked out.
      const other = await createUser(t.db, { email: 'neighbour@example.test' });
      await t.http.post('/api/v1/auth/login').send({ email: other.email, password: DEFAULT_PASSWORD }).expect(200);
    });

    it('still lets the right password in after max - 1 failures, and then starts counting afresh', async () => {
      const user = await createUser(t.db, { email: 'almost@example.test' });
      const attempt = (password: string) => t.http.post('/api/v1/auth/login').send({ email: user.email, password });
      for (let i = 0; i < t.config.loginMaxFailures - 1; i += 1) await attempt('wrong-password').expect(401);
      await attempt(DEFAULT_PASSWORD).expect(200);
      // The success cleared the count: a full window of failures is allowed again, then 429.
      for (let i = 0; i < t.config.loginMaxFailures; i += 1) await attempt('wrong-password').expect(401);
      await attempt(DEFAULT_PASSWORD).expect(429);
    });

    it('cannot be bypassed by parallel requests', async () => {
      const user = await createUser(t.db, { email: 'parallel@example.test' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => t.http.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(t.config.loginMaxFailures);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - t.config.loginMaxFailures);
      for (const res of results.filter((r) => r.status === 429)) {
        expect(res.body).toMatchObject({ status_code: 429, error: 'rate_limited' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      // The right password is refused too until the window is over.
      await t.http.post('/api/v1/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(429);
    });

    it('lets the right password through when it races a burst of wrong ones below the limit', async () => {
      const user = await createUser(t.db, { email: 'race-ok@example.test' });
      const wrong = Array.from({ length: t.config.loginMaxFailures - 1 }, () =>
        t.http.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' }),
      );
      const right = t.http.post('/api/v1/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD });
      const [ok, ...failed] = await Promise.all([right, ...wrong]);
      expect(ok.status).toBe(200);
      expect(failed.map((r) => r.status)).toEqual(failed.map(() => 401));
    });

    it('starts a new window once the old one is over, and deletes windows that are over', async () => {
      const user = await createUser(t.db, { email: 'expired@example.test' });
      const longAgo = new Date(Date.now() - 2 * t.config.loginWindowSeconds * 1000);
      const login = () => t.http.post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' });
      await login().expect(401);
      // Make this user's window a locked-out one that is over, and add stale rows of other keys.
      const [{ key }] = await t.db.query(`SELECT key FROM login_throttle WHERE key LIKE $1`, [`%|${user.email}`]);
      await t.db.query(`UPDATE login_throttle SET failures = 99, window_started_at = $2 WHERE key = $1`, [key, longAgo]);
      await t.db.query(
        `INSERT INTO login_throttle (key, failures, window_started_at)
         SELECT 'stale-' || i, 5, $1::timestamptz - make_interval(secs => i) FROM generate_series(1, 3) AS i`,
        [longAgo],
      );
      await t.db.query(`INSERT INTO login_throttle (key, failures, window_started_at) VALUES ('live-key', 1, now())`);

      const res = await login().expect(401);
      expect(res.body.error).toBe('unauthorized');
      const [own] = await t.db.query(`SELECT failures FROM login_throttle WHERE key = $1`, [key]);
      expect(own.failures).toBe(1);
      const stale = await t.db.query(`SELECT key FROM login_throttle WHERE key LIKE 'stale-%'`);
      expect(stale).toEqual([]);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM login_throttle WHERE key = 'live-key'`);
      expect(count).toBe(1);
    });

    it('answers 422 for a missing password', async () => {
      const res = await t.http.post('/api/v1/auth/login').send({ email: 'x@example.test' }).expect(422);
      expect(res.body.details[0].field).toBe('password');
    });
  });

  describe('tokens', () => {
    it('logout ends that token at once and leaves other tokens working', async () => {
      await createUser(t.db, { email: 'twice@example.test' });
      const login = () => t.http.post('/api/v1/auth/login').send({ email: 'twice@example.test', password: DEFAULT_PASSWORD }).expect(200);
      const first = (await login()).body.access_token as string;
      const second = (await login()).body.access_token as string;
      await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${first}`).expect(204);
      const res = await me(first).expect(401);
      expect(res.body.error).toBe('unauthorized');
      await me(second).expect(200);
      await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${first}`).expect(401);
    });

    it('refuses requests without a token', async () => {
      const res = await t.http.get('/api/v1/auth/me').expect(401);
      expect(res.body).toMatchObject({ status_code: 401, error: 'unauthorized' });
    });

    it('refuses a token with a tampered payload', async () => {
      const { token, user } = await signedIn(t);
      const [header, , signature] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...decodeJwtPayload(token), sub: user.id + 1000 })).toString('base64url');
      await me(`${header}.${forged}.${signature}`).expect(401);
    });

    it('refuses alg "none"', async () => {
      const { token } = await signedIn(t);
      await me(handMadeJwt(decodeJwtPayload(token), null, { alg: 'none', typ: 'JWT' })).expect(401);
    });

    it('refuses an expired token and one signed with another secret', async () => {
      const { token } = await signedIn(t);
      const payload = decodeJwtPayload(token);
      const past = Math.floor(Date.now() / 1000) - 10;
      await me(handMadeJwt({ ...payload, iat: past - 3600, exp: past }, t.config.jwtSecret)).expect(401);
      await me(handMadeJwt(payload, 'some-other-secret')).expect(401);
      // The same payload signed with the right secret is accepted: the checks above are not vacuous.
      await me(handMadeJwt(payload, t.config.jwtSecret)).expect(200);
    });

    it('refuses a token that expires after it was accepted (verified tokens are remembered only until exp)', async () => {
      const { token } = await signedIn(t);
      const soon = Math.floor(Date.now() / 1000) + 2;
      const shortLived = handMadeJwt({ ...decodeJwtPayload(token), exp: soon }, t.config.jwtSecret);
      await me(shortLived).expect(200);
      await me(shortLived).expect(200); // the remembered verification
      await waitFor(async () => (await me(shortLived)).status === 401, 6000, 200);
      const res = await me(shortLived);
      expect(res.body).toMatchObject({ status_code: 401, error: 'unauthorized' });
      // the socket handshake shares the same memory and the same rule
      await expect(connect(t.baseUrl, shortLived)).rejects.toThrow('unauthorized');
    });

    it('refuses a remembered token once it is revoked', async () => {
      const { token } = await signedIn(t);
      await me(token).expect(200);
      await me(token).expect(200);
      await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
      await me(token).expect(401);
    });

    it('refuses a token of a user that no longer exists', async () => {
      const { token, user } = await signedIn(t);
      await t.db.query('DELETE FROM users WHERE id = $1', [user.id]);
      await me(token).expect(401);
    });

    it('refuses a token without exp (or with a non-numeric one), over HTTP and at the socket handshake', async () => {
      const { token } = await signedIn(t);
      const { exp: _, ...payload } = decodeJwtPayload(token);
      for (const claims of [payload, { ...payload, exp: 'never' }, { ...payload, exp: null }]) {
        const forged = handMadeJwt(claims, t.config.jwtSecret);
        expectUnauthorizedShape(await me(forged));
        await expect(connect(t.baseUrl, forged)).rejects.toThrow('unauthorized');
      }
      // The same claims with exp are accepted on both paths: the refusals above are about exp.
      const valid = handMadeJwt(decodeJwtPayload(token), t.config.jwtSecret);
      await me(valid).expect(200);
      (await connect(t.baseUrl, valid)).close();
    });

    it.each(['HS384', 'HS512'])('refuses a token signed with %s (the right secret, another algorithm) on both paths', async (alg) => {
      const { token } = await signedIn(t);
      const forged = handMadeJwt(decodeJwtPayload(token), t.config.jwtSecret, { alg, typ: 'JWT' });
      expectUnauthorizedShape(await me(forged));
      await expect(connect(t.baseUrl, forged)).rejects.toThrow('unauthorized');
    });

    it('refuses alg "none" at the socket handshake too', async () => {
      const { token } = await signedIn(t);
      await expect(connect(t.baseUrl, handMadeJwt(decodeJwtPayload(token), null, { alg: 'none', typ: 'JWT' }))).rejects.toThrow('unauthorized');
    });

    const MISSING = 'Missing bearer token';
    const INVALID = 'Missing, invalid or expired token';
    it.each([
      ['no Authorization header', undefined, MISSING],
      ['a bare "Bearer"', 'Bearer', MISSING],
      ['"Bearer" and a space', 'Bearer ', MISSING],
      ['two tokens', 'Bearer one two', MISSING],
      ['another scheme', 'Basic dXNlcjpwYXNzd29yZA==', MISSING],
      ['"Bearer" and garbage', 'Bearer garbage', INVALID],
      ['three garbage segments', 'Bearer a.b.c', INVALID],
      ['a JWT-looking token with a broken header', 'Bearer eyJub3QganNvbg.eyJzdWIiOjF9.c2ln', INVALID],
    ])('answers %s with 401 in the error shape', async (_, header, message) => {
      const req = t.http.get('/api/v1/auth/me');
      const res = await (header === undefined ? req : req.set('Authorization', header));
      // No bearer token at all is a bare challenge; a refused one says invalid_token.
      expectUnauthorizedShape(res, message === MISSING ? 'Bearer' : INVALID_TOKEN_CHALLENGE);
      expect(res.body.message).toBe(message);
    });

    it('answers an expired token with 401 in the error shape', async () => {
      const { token } = await signedIn(t);
      const past = Math.floor(Date.now() / 1000) - 10;
      expectUnauthorizedShape(await me(handMadeJwt({ ...decodeJwtPayload(token), iat: past - 3600, exp: past }, t.config.jwtSecret)));
    });

    it('answers 500 without internals, not 401, when the database fails while checking the session', async () => {
      const { token } = await signedIn(t); // a fresh token: not cached, so the guard reads the database
      await t.db.query('ALTER TABLE revoked_tokens RENAME TO revoked_tokens_away');
      let res: Response;
      try {
        res = await me(token);
      } finally {
        await t.db.query('ALTER TABLE revoked_tokens_away RENAME TO revoked_tokens');
      }
      expect(res.status).toBe(500);
      expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
      expect(res.body).toMatchObject({ status_code: 500, error: 'internal_error', message: 'Internal server error', details: [] });
      expect(JSON.stringify(res.body)).not.toMatch(/revoked|SELECT|relation|QueryFailed|node_modules|\/src\//i);
      // The token itself is fine: it works once the database answers again.
      await me(token).expect(200);
    });

    it('refuses a token without a jti', async () => {
      const { token } = await signedIn(t);
      const { jti: _, ...payload } = decodeJwtPayload(token);
      await me(handMadeJwt(payload, t.config.jwtSecret)).expect(401);
      await me(handMadeJwt({ ...payload, jti: randomUUID() }, t.config.jwtSecret)).expect(200);
    });
  });
});

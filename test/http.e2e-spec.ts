import { signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { waitFor } from './utils/wait.js';
import { createTestDatabase } from './utils/test-db.js';

const ERROR_KEYS = ['details', 'error', 'message', 'request_id', 'status_code'];

function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(text).not.toMatch(/\/work\/|node_modules|\/src\//);
  expect(text).not.toMatch(/SELECT|INSERT|QueryFailedError/i);
}

describe('HTTP basics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DOCS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it('answers unknown routes with 404 in the error shape, inside and outside the API prefix', async () => {
    for (const path of ['/api/v1/nope', '/nope', '/api/v2/tickets']) {
      const res = await t.http.get(path).expect(404);
      expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
      expect(res.body).toMatchObject({ status_code: 404, error: 'not_found' });
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    }
  });

  it('answers malformed JSON with 400 and stores nothing', async () => {
    const res = await t.http
      .post('/api/v1/auth/signup')
      .set('Content-Type', 'application/json')
      .send('{"email": "m@example.test", "password": ')
      .expect(400);
    expect(res.body).toMatchObject({ status_code: 400, error: 'malformed_json' });
    expectNoInternals(res.body);
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await t.http
      .post('/api/v1/auth/signup')
      .send({ email: 'big@example.test', password: 'long-enough', name: 'x'.repeat(1_100_000) })
      .expect(413);
    expect(res.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const given = await t.http.get('/api/v1/nope').set('X-Request-Id', 'trace-abc.123').expect(404);
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    expect(given.body.request_id).toBe('trace-abc.123');
    const unsafe = await t.http.get('/api/v1/nope').set('X-Request-Id', 'bad id <script>').expect(404);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const ok = await t.http.get('/health').expect(200);
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers and allows only configured CORS origins', async () => {
    const allowed = await t.http.get('/health').set('Origin', 'https://console.example.test').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.test');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-powered-by']).toBeUndefined();
    // helmet's defaults, on errors as on successes
    for (const res of [allowed, await t.http.get('/api/v1/nope').expect(404)]) {
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    }
    const other = await t.http.get('/health').set('Origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports health with the database checked', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('serves Swagger UI and an OpenAPI document with bearer auth and documented DTOs', async () => {
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http.get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/api/v1/auth/signup', '/api/v1/auth/login', '/api/v1/users/{id}', '/api/v1/queues', '/health']) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
    expect(doc.body.components.schemas.SignupDto.properties).toHaveProperty('email');
    expect(doc.body.components.schemas.ErrorResponseDto.properties).toHaveProperty('request_id');
  });

  it('exposes Prometheus metrics with request durations by route and status', async () => {
    const admin = await signedIn(t, { role: 'admin' });
    await t.http.get('/api/v1/users/123456').set(admin.auth).expect(404);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:id",status_code="404"\} 1/);
  });
});

describe('health when the database is down', () => {
  it('answers 503 without internals while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const t = await createTestApp({}, { ...database, url: proxy.wrap(database.url) });
    try {
      await t.http.get('/health').expect(200);
      await proxy.stop();
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toMatchObject({ status_code: 503, error: 'service_unavailable', details: [{ database: 'down' }] });
      expect(JSON.stringify(res.body)).not.toMatch(/ECONN|127\.0\.0\.1|refused|terminat|test_/i);
      expectNoInternals(res.body);
      await proxy.start();
      await waitFor(async () => (await t.http.get('/health')).status === 200);
    } finally {
      await t.close();
      await proxy.stop();
      await database.drop();
    }
  });
});

describe('NUL characters', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses them with 422 naming the field, before and after sign-in, in bodies and queries', async () => {
    const login = await t.http.post('/api/v1/auth/login').send({ email: 'a\u0000@example.test', password: 'whatever-long' }).expect(422);
    expect(login.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'email' }] });
    const signup = await t.http.post('/api/v1/auth/signup').send({ email: 'nul@example.test', password: 'long-enough', name: 'Ca\u0000sey' }).expect(422);
    expect(signup.body.details).toEqual([{ field: 'name', problems: ['name must not contain NUL characters'] }]);
    const client = await signedIn(t, { role: 'client' });
    await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Hello\u0000', description: 'Details of the problem' }).expect(422);
    await t.http.get('/api/v1/tickets').query({ q: 'pass\u0000word' }).set(client.auth).expect(422);
    const stored = await t.db.query('SELECT count(*)::int AS n FROM tickets');
    expect(stored[0].n).toBe(0);
    expect((await t.db.query("SELECT count(*)::int AS n FROM users WHERE email = 'nul@example.test'"))[0].n).toBe(0);
  });
});

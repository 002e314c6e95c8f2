import type { Test } from 'supertest';
import { type Access, ROLES, ROUTE_ACCESS, type Role, type RouteAccess } from './sweep/route-access.js';
import { errorShapeProblem, inPool } from './sweep/checks.js';
import { fillPath, makeWorld, pathIds, refreshWorld, SAMPLE_FILE, type World } from './sweep/world.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { listOperations, type OpenApiDocument, type Operation } from './utils/openapi.js';

/** The outcome a status stands for (see route-access.ts), or what it was when it stands for none. */
function outcomeOf(status: number): Access | `status ${number}` {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'hidden';
  if (status >= 200 && status < 300) return 'allow';
  return `status ${status}`;
}

/** Sends one route's request as `role`, with the ids, body and file the table gives. */
function call(t: TestApp, name: string, entry: RouteAccess, role: Role, world: World): Test {
  const [method, path] = name.split(' ');
  const req = t.http[method.toLowerCase() as 'get'](fillPath(path, pathIds(path, world)));
  if (role !== 'anonymous') req.set(world[role === 'client' ? 'owner' : role].auth);
  if (entry.query) req.query(entry.query(world));
  if (entry.file) return req.attach('file', SAMPLE_FILE.bytes, { filename: SAMPLE_FILE.filename, contentType: SAMPLE_FILE.contentType });
  if (entry.body) return req.send(entry.body(world));
  return req;
}

describe('access sweep: every documented route, as anonymous, client (own and another’s objects), agent and admin', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let operations: [string, Operation][];
  let world: World;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false', DOCS_ENABLED: 'true' });
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    operations = listOperations(doc);
    world = await makeWorld(t);
  });
  afterAll(() => t.close());

  it('has an entry in test/sweep/route-access.ts for every route in /docs-json, and a route for every entry', () => {
    const documented = operations.map(([name]) => name);
    expect(documented.length).toBeGreaterThan(30);
    const missing = documented.filter((name) => !(name in ROUTE_ACCESS)).map((name) => `${name} is in /docs-json but not in the access table`);
    const stale = Object.keys(ROUTE_ACCESS)
      .filter((name) => !documented.includes(name))
      .map((name) => `${name} is in the access table but not in /docs-json`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it('answers each role as the table says, with every refusal in the error shape', async () => {
    const calls = operations
      .filter(([name]) => name in ROUTE_ACCESS)
      .flatMap(([name]) => ROLES.map((role) => ({ name, role, entry: ROUTE_ACCESS[name] })));
    const mismatches = await inPool(
      calls.map(({ name, role, entry }) => async () => {
        const res = await call(t, name, entry, role, entry.fresh ? await refreshWorld(t, world, entry.fresh) : world);
        const got = outcomeOf(res.status);
        const expected = entry.access[role];
        const problems: string[] = [];
        if (got !== expected) problems.push(`${name} as ${role}: expected ${expected}, got ${got} (${res.status} ${JSON.stringify(res.body).slice(0, 200)})`);
        const shape = res.status >= 400 ? errorShapeProblem(res) : null;
        if (shape) problems.push(`${name} as ${role}: ${res.status} not in the error shape: ${shape}`);
        return problems;
      }),
      6,
    );
    expect(calls.length).toBe(operations.length * ROLES.length);
    expect(mismatches.flat()).toEqual([]);
  });

  it('documents 429 with Retry-After and RateLimit headers, in the error shape, on every rate-limited route (every write)', () => {
    const writes = operations.filter(([name]) => !name.startsWith('GET '));
    expect(writes.length).toBeGreaterThan(10);
    // Reads are never counted, except those with an allowance of their own.
    const limitedReads = ['GET /api/v1/tickets/{id}/ai-response'];
    const undocumented = [...writes, ...operations.filter(([name]) => limitedReads.includes(name))]
      .filter(([, operation]) => {
        const limited = operation.responses['429'];
        const schema = limited?.content?.['application/json']?.schema;
        const headers = Object.keys(limited?.headers ?? {});
        return !schema?.$ref?.endsWith('/ErrorResponseDto') || !['Retry-After', 'RateLimit-Policy', 'RateLimit'].every((h) => headers.includes(h));
      })
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
    const reads = operations.filter(([name]) => name.startsWith('GET ') && name.includes('/api/v1/'));
    expect(reads.filter(([, operation]) => operation.responses['429']).map(([name]) => name)).toEqual(limitedReads);
  });
});

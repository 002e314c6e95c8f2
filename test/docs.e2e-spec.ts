import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { listOperations, type OpenApiDocument, type Operation, resolveSchema, type SchemaObject } from './utils/openapi.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp({ DOCS_ENABLED: 'true' });
    const res = await t.http.get('/docs-json').expect(200).expect('Content-Type', /json/);
    doc = res.body as OpenApiDocument;
  });
  afterAll(() => t.close());

  const operations = () => listOperations(doc);

  const op = (method: string, path: string): Operation => {
    const found = doc.paths[path]?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return found;
  };

  const resolve = (schema: SchemaObject | undefined) => resolveSchema(doc, schema);

  const jsonSchema = (operation: Operation, status: string): SchemaObject | undefined =>
    operation.responses[status]?.content?.['application/json']?.schema;

  it('documents a success response for every operation under /api/v1', () => {
    const api = operations().filter(([name]) => name.includes(' /api/v1/'));
    expect(api.length).toBeGreaterThan(30);
    const withoutSuccess = api.filter(([, operation]) => !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)));
    expect(withoutSuccess.map(([name]) => name)).toEqual([]);
  });

  it('gives every JSON success response a schema, and every referenced schema exists', () => {
    const missing: string[] = [];
    for (const [name, operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
        if (schemas.length === 0 || schemas.some((s) => !s)) missing.push(`${name} ${status}`);
      }
    }
    expect(missing).toEqual([]);
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z0-9_]+/g) ?? [];
    const dangling = [...new Set(refs)].filter((ref) => !doc.components.schemas[ref.split('/').pop() as string]);
    expect(dangling).toEqual([]);
  });

  it('answers login with a schema holding access_token, token_type and expires_in', () => {
    const token = resolve(jsonSchema(op('post', '/api/v1/auth/login'), '200'));
    expect(Object.keys(token.properties ?? {})).toEqual(expect.arrayContaining(['access_token', 'token_type', 'expires_in']));
    const signup = resolve(jsonSchema(op('post', '/api/v1/auth/signup'), '201'));
    expect(Object.keys(signup.properties ?? {})).toEqual(expect.arrayContaining(['user', 'access_token', 'token_type', 'expires_in']));
    expect(op('post', '/api/v1/auth/logout').responses['204']).toBeDefined();
  });

  it('documents the ticket with its ids, deadlines and timestamps', () => {
    const ticket = resolve(jsonSchema(op('post', '/api/v1/tickets'), '201'));
    expect(Object.keys(ticket.properties ?? {})).toEqual(
      expect.arrayContaining(['client_id', 'agent_id', 'queue_id', 'frt_deadline', 'ttr_deadline', 'created_at', 'updated_at']),
    );
    expect(ticket.properties?.frt_deadline).toMatchObject({ type: 'string', format: 'date-time' });
    expect(resolve(jsonSchema(op('get', '/api/v1/tickets/{id}'), '200'))).toBe(ticket);
    const stats = resolve(jsonSchema(op('get', '/api/v1/tickets/stats'), '200'));
    expect(Object.keys(stats.properties?.by_status.properties ?? {})).toEqual(expect.arrayContaining(['open', 'in_progress', 'resolved', 'closed']));
    expect(jsonSchema(op('get', '/api/v1/tickets/{id}/history'), '200')).toEqual({ $ref: '#/components/schemas/TicketEventPageDto' });
  });

  it.each([
    ['/api/v1/users', 'UserResponseDto'],
    ['/api/v1/queues', 'QueueResponseDto'],
    ['/api/v1/tickets', 'TicketResponseDto'],
    ['/api/v1/tickets/{id}/messages', 'MessageResponseDto'],
    ['/api/v1/tickets/{id}/notes', 'NoteResponseDto'],
    ['/api/v1/attachments/message/{message_id}', 'AttachmentResponseDto'],
    ['/api/v1/sla/policies', 'SlaPolicyResponseDto'],
    ['/api/v1/sla/calendars', 'BusinessCalendarResponseDto'],
  ])('documents GET %s as a page of %s', (path, itemName) => {
    const page = resolve(jsonSchema(op('get', path), '200'));
    expect(page.properties?.items).toMatchObject({ type: 'array', items: { $ref: `#/components/schemas/${itemName}` } });
    expect(page.properties).toHaveProperty('next_cursor');
    expect(page.required).toEqual(expect.arrayContaining(['items', 'next_cursor']));
  });

  it('documents no JSON success answer as a bare array: lists are {items, next_cursor}', () => {
    const bare = operations().filter(([, operation]) =>
      Object.entries(operation.responses).some(([status]) => /^2\d\d$/.test(status) && jsonSchema(operation, status)?.type === 'array'),
    );
    expect(bare.map(([name]) => name)).toEqual([]);
  });

  it('documents the attachment download as binary and uploads as the attachment', () => {
    const download = op('get', '/api/v1/attachments/{id}/content');
    const bodies = Object.values(download.responses['200'].content ?? {});
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body.schema).toMatchObject({ type: 'string', format: 'binary' });
    // Its errors are still JSON in the one error shape.
    expect(resolve(jsonSchema(download, '404')).properties).toHaveProperty('request_id');
    const upload = resolve(jsonSchema(op('post', '/api/v1/messages/{id}/attachments'), '201'));
    expect(Object.keys(upload.properties ?? {})).toEqual(expect.arrayContaining(['id', 'filename', 'content_type', 'size', 'sha256']));
  });

  it('documents /health and /metrics', () => {
    expect(jsonSchema(op('get', '/health'), '200')).toBeDefined();
    expect(op('get', '/health').responses['503']).toBeDefined();
    expect(op('get', '/metrics').responses['200'].content).toHaveProperty('text/plain');
  });

  it('declares bearer security, and uses it on signed-in routes only', () => {
    const schemes = Object.entries(doc.components.securitySchemes ?? {});
    const bearer = schemes.find(([, scheme]) => scheme.type === 'http' && scheme.scheme === 'bearer');
    expect(bearer).toBeDefined();
    const [name] = bearer as [string, unknown];
    expect(op('get', '/api/v1/auth/me').security).toEqual([{ [name]: [] }]);
    expect(op('get', '/api/v1/tickets').security).toEqual([{ [name]: [] }]);
    expect(op('post', '/api/v1/auth/login').security ?? []).toEqual([]);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200).expect('Content-Type', /text\/html/);
    expect(res.text).toMatch(/swagger-ui/i);
  });
});

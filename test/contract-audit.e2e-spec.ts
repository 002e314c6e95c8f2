import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { listOperations, type OpenApiDocument, type SchemaObject } from './utils/openapi.js';

/**
 * What a black-box audit against the public contract found: server-owned fields sent back on an
 * edit, lists without next_cursor, `*_id` fields that are not ids, camelCase in /health, a mail
 * status without its summary, and queues missing from the stats.
 */
describe('the public contract, as an outside client reads it', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let admin: SignedInUser;

  beforeAll(async () => {
    // Tickets stay where they are put: automatic assignment is not what these tests look at.
    t = await createTestApp({ AUTO_ASSIGN: 'false', DOCS_ENABLED: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
    admin = await signedIn(t, { role: 'admin' });
  });
  afterAll(() => t.close());

  const openTicket = async (who: SignedInUser, body: object = {}) =>
    (await t.http.post('/api/v1/tickets').set(who.auth).send({ title: 'Printer jams', description: 'It jams on every page', ...body }).expect(201)).body as {
      id: number;
      client_id: number;
      title: string;
      status: string;
    };
  const ticketOf = async (id: number) => (await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body as { title: string; status: string; priority: string };

  describe('server-owned fields on an edit', () => {
    it('lets a client send its own client_id back on PATCH, and refuses another', async () => {
      const ticket = await openTicket(client);
      const ok = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(client.auth).send({ client_id: client.user.id, title: 'abc title' }).expect(200);
      expect(ok.body).toMatchObject({ id: ticket.id, client_id: client.user.id, title: 'abc title' });

      const refused = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(client.auth).send({ client_id: agent.user.id, title: 'taken over' }).expect(422);
      expect(refused.body).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ field: 'client_id' })] });
      expect((await ticketOf(ticket.id)).title).toBe('abc title');
    });

    it("accepts client_id from an agent only when it is the ticket's client, not the agent's own id", async () => {
      const ticket = await openTicket(client);
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ client_id: client.user.id, priority: 'high' }).expect(200);
      const refused = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ client_id: agent.user.id, priority: 'low' }).expect(422);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'client_id' })]);
      expect((await ticketOf(ticket.id)).priority).toBe('high');
    });

    it("still answers 404 to a client naming itself on another customer's ticket", async () => {
      const other = await createTicket(t.db);
      await t.http.patch(`/api/v1/tickets/${other.id}`).set(client.auth).send({ client_id: client.user.id, title: 'mine now' }).expect(404);
    });

    it('accepts client_id on a bulk change only when every ticket named is that customer’s', async () => {
      const first = await openTicket(client);
      const second = await openTicket(client);
      const foreign = await createTicket(t.db);
      const ok = await t.http
        .post('/api/v1/tickets/bulk')
        .set(agent.auth)
        .send({ ticket_ids: [first.id, second.id], client_id: client.user.id, priority: 'urgent' })
        .expect(200);
      expect(ok.body.items.map((x: { priority: string }) => x.priority)).toEqual(['urgent', 'urgent']);

      const refused = await t.http
        .post('/api/v1/tickets/bulk')
        .set(agent.auth)
        .send({ ticket_ids: [first.id, foreign.id], client_id: client.user.id, priority: 'low' })
        .expect(422);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'client_id', ticket_ids: [foreign.id] })]);
      expect((await ticketOf(first.id)).priority).toBe('urgent');
    });

    it("lets a note be edited with its own ticket_id and author_id, as read, and refuses others", async () => {
      const ticket = await openTicket(client);
      const note = (await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'Check the tray' }).expect(201)).body as {
        id: number;
        ticket_id: number;
        author_id: number;
      };
      const edit = (who: SignedInUser, body: object) => t.http.patch(`/api/v1/notes/${note.id}`).set(who.auth).send({ content: 'Check tray 2', ...body });

      await edit(agent, { ticket_id: note.ticket_id, author_id: note.author_id }).expect(200);
      // An admin editing another's note sends back that note's author, not itself.
      await edit(admin, { author_id: agent.user.id }).expect(200);
      const notAuthor = await edit(admin, { author_id: admin.user.id }).expect(422);
      expect(notAuthor.body.details).toEqual([expect.objectContaining({ field: 'author_id' })]);
      const otherTicket = await openTicket(client);
      const moved = await edit(agent, { ticket_id: otherTicket.id }).expect(422);
      expect(moved.body.details).toEqual([expect.objectContaining({ field: 'ticket_id' })]);
    });
  });

  describe('lists', () => {
    it('answers article suggestions and a bulk change in the list shape, with next_cursor null', async () => {
      await t.http
        .post('/api/v1/articles')
        .set(agent.auth)
        .send({ title: 'Paper jams', content: 'Open the tray and pull the paper out gently.', media_links: [], published: true })
        .expect(201);
      const suggested = await t.http.get('/api/v1/articles/suggest').query({ q: 'paper jam' }).set(client.auth).expect(200);
      expect(suggested.body).toEqual({ items: [expect.objectContaining({ title: 'Paper jams' })], next_cursor: null });

      const ticket = await openTicket(client);
      const bulk = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [ticket.id], priority: 'low' }).expect(200);
      expect(bulk.body).toEqual({ items: [expect.objectContaining({ id: ticket.id, priority: 'low' })], next_cursor: null });
    });
  });

  describe('the OpenAPI document', () => {
    let doc: OpenApiDocument;
    beforeAll(async () => {
      doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    });

    /** Every object schema a success response reaches, by a name to report, following $refs once. */
    const responseSchemas = (): [string, SchemaObject][] => {
      const seen = new Set<SchemaObject>();
      const out: [string, SchemaObject][] = [];
      const walk = (where: string, schema: SchemaObject | undefined) => {
        if (!schema) return;
        const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0].$ref : undefined);
        const name = ref ? ref.replace('#/components/schemas/', '') : where;
        const target = ref ? doc.components.schemas[name] : schema;
        if (!target || seen.has(target)) return;
        seen.add(target);
        out.push([name, target]);
        for (const [key, property] of Object.entries(target.properties ?? {})) walk(`${name}.${key}`, property);
        walk(`${name}[]`, target.items);
        for (const part of target.allOf ?? []) walk(name, part);
        const extra = (target as { additionalProperties?: SchemaObject | boolean }).additionalProperties;
        if (typeof extra === 'object') walk(`${name}{}`, extra);
      };
      for (const [operation, op] of listOperations(doc)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (/^2\d\d$/.test(status)) walk(operation, response.content?.['application/json']?.schema);
        }
      }
      return out;
    };

    it('gives every answer with items a next_cursor', () => {
      const withoutCursor = responseSchemas()
        .filter(([, schema]) => schema.properties?.items?.type === 'array' && !schema.required?.includes('next_cursor'))
        .map(([name]) => name);
      expect(withoutCursor).toEqual([]);
    });

    it('documents every *_id field of an answer as an integer id (client_msg_id and request_id are the contract’s own strings)', () => {
      const notIds = responseSchemas().flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {})
          .filter(([key, property]) => key.endsWith('_id') && !['client_msg_id', 'request_id'].includes(key) && !['integer', 'number'].includes(property.type ?? ''))
          .map(([key]) => `${name}.${key}`),
      );
      expect(notIds).toEqual([]);
    });
  });

  it('logs webhook deliveries with the webhook-id header as idempotency_key, no string *_id', async () => {
    const hook = await t.http.post('/api/v1/webhooks').set(admin.auth).send({ url: 'http://127.0.0.1:9/hook', events: ['ticket.created'] }).expect(201);
    const sent = await t.http.post(`/api/v1/webhooks/${hook.body.id}/test`).set(admin.auth).expect(202);
    expect(sent.body.idempotency_key).toMatch(/^msg_[0-9a-f]{32}$/);
    const log = await t.http.get(`/api/v1/webhooks/${hook.body.id}/deliveries`).set(admin.auth).expect(200);
    expect(log.body.items).toEqual([expect.objectContaining({ id: sent.body.id, idempotency_key: sent.body.idempotency_key })]);
    for (const item of log.body.items as Record<string, unknown>[]) {
      for (const [key, value] of Object.entries(item)) if (key.endsWith('_id') && value !== null) expect([key, typeof value]).toEqual([key, 'number']);
    }
  });

  it('answers /health in snake_case throughout, with the database checked', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up', response_time: expect.any(Number) } } });
    const keys = (value: unknown): string[] =>
      typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([key, inner]) => [key, ...keys(inner)]) : [];
    expect(keys(res.body).filter((key) => !/^[a-z0-9_]+$/.test(key))).toEqual([]);
  });

  describe('mail polling status', () => {
    const status = async () => (await t.http.get('/api/v1/email/status').set(admin.auth).expect(200)).body as Record<string, unknown>;

    it('sums every mailbox up top: the latest poll, its result, and the counts', async () => {
      // No IMAP_HOST here: nothing polled yet.
      expect(await status()).toMatchObject({
        enabled: false,
        last_poll_at: null,
        last_poll_result: null,
        last_poll_error: null,
        counts: { ingested: 0, skipped: 0, failed: 0 },
        mailboxes: [],
      });

      // Two mailboxes as polls leave them: an earlier good poll, a later failed one.
      const [{ id: first }] = await t.db.query(
        `INSERT INTO mailboxes (key, uid_validity, last_uid, last_poll_at, last_poll_ok) VALUES ('a@imap.test:993/INBOX', 1, 3, '2026-12-01T10:00:00Z', true) RETURNING id`,
      );
      const [{ id: second }] = await t.db.query(
        `INSERT INTO mailboxes (key, uid_validity, last_uid, last_poll_at, last_poll_ok, last_poll_error)
         VALUES ('b@imap.test:993/INBOX', 1, 2, '2026-12-01T10:05:00Z', false, 'login refused') RETURNING id`,
      );
      const mails: [number, number, string, string | null][] = [
        [first, 1, 'ingested', null],
        [first, 2, 'skipped', 'auto_submitted'],
        [first, 3, 'failed', 'too_large'],
        [second, 1, 'ingested', null],
        [second, 2, 'ingested', null],
      ];
      for (const [mailbox, uid, state, reason] of mails) {
        await t.db.query(`INSERT INTO inbound_mails (mailbox_id, uid_validity, uid, dedup_key, status, reason, size) VALUES ($1, 1, $2, $3, $4, $5, 100)`, [
          mailbox,
          uid,
          `${mailbox}:${uid}`,
          state,
          reason,
        ]);
      }
      const summed = await status();
      expect(summed).toMatchObject({
        last_poll_at: '2026-12-01T10:05:00.000Z',
        last_poll_result: 'failed',
        last_poll_error: 'login refused',
        counts: { ingested: 3, skipped: 1, failed: 1 },
      });
      expect(summed.mailboxes).toEqual([
        expect.objectContaining({ mailbox: 'a@imap.test:993/INBOX', last_poll_result: 'ok', counts: { ingested: 1, skipped: 1, failed: 1 } }),
        expect.objectContaining({ mailbox: 'b@imap.test:993/INBOX', last_poll_result: 'failed', counts: { ingested: 2, skipped: 0, failed: 0 } }),
      ]);
    });
  });

  it('lists every queue in the stats by_queue, with 0 for a queue without tickets', async () => {
    await openTicket(client);
    const queues = (await t.http.get('/api/v1/queues').query({ limit: 100 }).set(agent.auth).expect(200)).body.items as { id: number; name: string }[];
    const email = queues.find((q) => q.name === 'Email')!;
    const stats = await t.http.get('/api/v1/tickets/stats').set(agent.auth).expect(200);
    const byQueue = stats.body.by_queue as { queue_id: number | null; name: string | null; count: number }[];
    expect(byQueue.filter((row) => row.queue_id !== null).map((row) => row.queue_id).sort((a, b) => a! - b!)).toEqual(queues.map((q) => q.id).sort((a, b) => a - b));
    expect(byQueue).toContainEqual({ queue_id: email.id, name: 'Email', count: 0 });
    // A ticket opened without a queue goes to General questions, where it is counted.
    const general = byQueue.find((row) => row.name === 'General questions')!;
    expect(general.count).toBeGreaterThan(0);
  });
});

import { get, type IncomingMessage } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { waitFor } from './utils/wait.js';

const ticketBody = (extra: object = {}) => ({ title: 'Where is my parcel', description: 'It was due on Monday.', ...extra });

/** GET on the app's port, answered as a stream the test reads itself (supertest would buffer it all). */
function open(t: TestApp, path: string, who: SignedInUser): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`${t.baseUrl}${path}`, { headers: who.auth }, resolve).on('error', reject);
  });
}

/** Lines of a CSV body, without the final empty one. */
const lines = (text: string) => text.split('\r\n').slice(0, -1);

describe('export', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let agent: SignedInUser;
  let anna: SignedInUser;
  let boris: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, agent, anna, boris] = await Promise.all([
      signedIn(t, { role: 'admin' }),
      signedIn(t, { role: 'agent', name: 'Agent Smith' }),
      signedIn(t, { name: 'Anna Customer' }),
      signedIn(t, { name: 'Boris Customer' }),
    ]);
    await t.http.post('/api/v1/custom-fields').set(admin.auth).send({ key: 'order_no', label: 'Order', type: 'text' }).expect(201);
    await t.http.post('/api/v1/custom-fields').set(admin.auth).send({ key: 'amount', label: 'Amount', type: 'number' }).expect(201);
  });
  afterAll(() => t.close());

  describe('tickets', () => {
    let first: { id: number };
    let second: { id: number };

    beforeAll(async () => {
      first = (
        await t.http
          .post('/api/v1/tickets')
          .set(anna.auth)
          .send(ticketBody({ title: '=HYPERLINK("http://evil.test","click")', description: 'Line one,\nline "two"', custom_fields: { order_no: '@SUM(A1)', amount: -5 } }))
          .expect(201)
      ).body;
      second = (await t.http.post('/api/v1/tickets').set(boris.auth).send(ticketBody({ priority: 'high', custom_fields: { order_no: 'B-2' } })).expect(201)).body;
    });

    it('as CSV: a header with the custom fields as columns, escaped cells, formulas defused', async () => {
      const res = await t.http.get('/api/v1/exports/tickets').set(admin.auth).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
      const rows = lines(res.text);
      expect(rows[0]).toBe(
        'id,title,description,status,priority,category,queue_id,client_id,agent_id,source,frt_deadline,ttr_deadline,first_response_at,resolved_at,closed_at,created_at,updated_at,sla_frt_state,sla_ttr_state,custom_fields.order_no,custom_fields.amount',
      );
      // Newest first; the description's line break stays inside its quoted cell.
      expect(res.text.split('\r\n')).toHaveLength(4);
      expect(rows[1]).toMatch(new RegExp(`^${second.id},Where is my parcel,It was due on Monday\\.,open,high,,\\d+,${boris.user.id},`));
      expect(rows[1]).toMatch(/,B-2,$/);
      expect(rows[2]).toMatch(new RegExp(`^${first.id},"'=HYPERLINK\\(""http://evil.test"",""click""\\)","Line one,\nline ""two""",open,medium,`));
      expect(rows[2]).toMatch(/,'@SUM\(A1\),-5$/);
    });

    it('as JSON lines: each ticket as the API shows it', async () => {
      const res = await t.http.get('/api/v1/exports/tickets?format=jsonl').set(admin.auth).buffer(true).parse((r, done) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString()));
        r.on('end', () => done(null, text));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      const items = (res.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
      const api = (await t.http.get(`/api/v1/tickets/${first.id}`).set(admin.auth).expect(200)).body;
      expect(items.map((i: { id: number }) => i.id)).toEqual([second.id, first.id]);
      expect(items[1]).toEqual(api);
    });

    it('takes the list’s filters, custom fields included', async () => {
      const byField = lines((await t.http.get('/api/v1/exports/tickets?custom_fields.order_no=B-2').set(admin.auth).expect(200)).text);
      expect(byField.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([second.id]);
      const byClient = lines((await t.http.get(`/api/v1/exports/tickets?client_id=${anna.user.id}&priority=medium`).set(admin.auth).expect(200)).text);
      expect(byClient.slice(1).map((row) => Number(row.split(',')[0]))).toEqual([first.id]);
      const none = lines((await t.http.get('/api/v1/exports/tickets?status=closed').set(admin.auth).expect(200)).text);
      expect(none).toHaveLength(1); // the header alone
    });

    it.each<[string, string]>([
      ['format=xlsx', 'format'],
      ['custom_fields.nope=1', 'custom_fields.nope'],
      ['limit=5', 'limit'],
    ])('?%s is a 422 naming %s', async (query, field) => {
      const res = await t.http.get(`/api/v1/exports/tickets?${query}`).set(admin.auth).expect(422);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('is for admins only', async () => {
      await t.http.get('/api/v1/exports/tickets').set(agent.auth).expect(403);
      await t.http.get('/api/v1/exports/tickets').set(anna.auth).expect(403);
      await t.http.get('/api/v1/exports/tickets').expect(401);
    });
  });

  describe('one customer', () => {
    let annaTicket: number;
    let borisTicket: number;

    beforeAll(async () => {
      annaTicket = (await t.http.post('/api/v1/tickets').set(anna.auth).send(ticketBody({ title: 'Anna’s refund', custom_fields: { order_no: 'ANNA-1' } })).expect(201)).body.id;
      borisTicket = (await t.http.post('/api/v1/tickets').set(boris.auth).send(ticketBody({ title: 'Boris’s secret order' })).expect(201)).body.id;
      const annaMessage = (await t.http.post(`/api/v1/tickets/${annaTicket}/messages`).set(anna.auth).send({ content: 'Anna writes' }).expect(201)).body;
      await t.http.post(`/api/v1/tickets/${annaTicket}/messages`).set(agent.auth).send({ content: 'Agent answers Anna' }).expect(201);
      const note = (await t.http.post(`/api/v1/tickets/${annaTicket}/notes`).set(agent.auth).send({ content: 'Internal: Anna is difficult' }).expect(201)).body;
      await t.http.post(`/api/v1/messages/${annaMessage.id}/attachments`).set(anna.auth).attach('file', Buffer.from('receipt\n'), { filename: 'anna-receipt.txt', contentType: 'text/plain' }).expect(201);
      await t.http.post(`/api/v1/tickets/${annaTicket}/attachments`).set(anna.auth).attach('file', Buffer.from('photo\n'), { filename: 'anna-photo.txt', contentType: 'text/plain' }).expect(201);
      await t.http.post(`/api/v1/notes/${note.id}/attachments`).set(agent.auth).attach('file', Buffer.from('internal\n'), { filename: 'agent-internal.txt', contentType: 'text/plain' }).expect(201);
      // Uploads for a message not sent yet: Anna's own is hers; the agent's is no part of her ticket yet.
      await t.http.post(`/api/v1/tickets/${annaTicket}/attachments?for=message`).set(anna.auth).attach('file', Buffer.from('draft\n'), { filename: 'anna-draft.txt', contentType: 'text/plain' }).expect(201);
      await t.http.post(`/api/v1/tickets/${annaTicket}/attachments?for=message`).set(agent.auth).attach('file', Buffer.from('unsent\n'), { filename: 'agent-unsent.txt', contentType: 'text/plain' }).expect(201);
      const borisMessage = (await t.http.post(`/api/v1/tickets/${borisTicket}/messages`).set(boris.auth).send({ content: 'Boris private words' }).expect(201)).body;
      await t.http.post(`/api/v1/messages/${borisMessage.id}/attachments`).set(boris.auth).attach('file', Buffer.from('boris\n'), { filename: 'boris-file.txt', contentType: 'text/plain' }).expect(201);
      for (const [ticket, customer, comment] of [
        [annaTicket, anna, 'Anna is pleased'],
        [borisTicket, boris, 'A grumpy verdict'],
      ] as const) {
        await t.http.patch(`/api/v1/tickets/${ticket}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
        await t.http.post(`/api/v1/tickets/${ticket}/rating`).set(customer.auth).send({ score: customer === anna ? 5 : 1, comment }).expect(201);
      }
    });

    it('holds all of theirs and nothing of anyone else’s', async () => {
      const res = await t.http.get(`/api/v1/exports/users/${anna.user.id}`).set(admin.auth).expect(200);
      const doc = res.body;
      expect(doc.user).toMatchObject({ id: anna.user.id, email: anna.user.email, name: 'Anna Customer', role: 'client' });
      expect(Object.keys(doc.user)).not.toContain('password_hash');
      const annaTickets: { id: number }[] = (await t.http.get(`/api/v1/tickets?client_id=${anna.user.id}&limit=100`).set(admin.auth).expect(200)).body.items;
      expect(doc.tickets.map((ticket: { id: number }) => ticket.id)).toEqual(annaTickets.map((ticket) => ticket.id));
      expect(doc.tickets.find((ticket: { id: number }) => ticket.id === annaTicket).custom_fields).toEqual({ order_no: 'ANNA-1' });
      expect(doc.messages.map((m: { content: string }) => m.content)).toEqual(['Anna writes', 'Agent answers Anna']);
      expect(doc.attachments.map((a: { filename: string }) => a.filename).sort()).toEqual(['anna-draft.txt', 'anna-photo.txt', 'anna-receipt.txt']);
      expect(doc.ratings).toEqual([expect.objectContaining({ ticket_id: annaTicket, score: 5, comment: 'Anna is pleased', client_id: anna.user.id })]);
      // Nothing of Boris, and no internal note.
      const text = JSON.stringify(doc);
      for (const foreign of [boris.user.email, 'Boris', 'secret order', 'private words', 'boris-file', 'Internal: Anna', 'agent-internal', 'agent-unsent', 'grumpy verdict']) {
        expect(text).not.toContain(foreign);
      }
      expect(doc.tickets.every((ticket: { client_id: number }) => ticket.client_id === anna.user.id)).toBe(true);
      const annaIds = new Set(annaTickets.map((ticket) => ticket.id));
      expect(annaIds.has(borisTicket)).toBe(false);
      expect(doc.messages.every((m: { ticket_id: number }) => annaIds.has(m.ticket_id))).toBe(true);
    });

    it('signs what a visit wrote with the name the visitor gave, as the thread does', async () => {
      const email = `visited-${Date.now()}@example.test`;
      const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Given Name', email }).expect(201);
      const visitor = { Authorization: `Bearer ${visit.body.access_token}` };
      const chat = (await t.http.post('/api/v1/tickets').set(visitor).send(ticketBody({ title: 'From a visit' })).expect(201)).body;
      await t.http.post(`/api/v1/tickets/${chat.id}/messages`).set(visitor).send({ content: 'Written in the visit' }).expect(201);
      await t.db.query(`UPDATE users SET name = 'Stored Name' WHERE id = $1`, [visit.body.user.id]);
      const doc = (await t.http.get(`/api/v1/exports/users/${visit.body.user.id}`).set(admin.auth).expect(200)).body;
      expect(doc.messages.map((m: { content: string; author_name: string }) => [m.content, m.author_name])).toEqual([['Written in the visit', 'Given Name']]);
    });

    it('is for admins only; an unknown user is a 404', async () => {
      await t.http.get(`/api/v1/exports/users/${anna.user.id}`).set(agent.auth).expect(403);
      await t.http.get(`/api/v1/exports/users/${anna.user.id}`).set(anna.auth).expect(403);
      await t.http.get('/api/v1/exports/users/2000000000').set(admin.auth).expect(404);
    });
  });
});

describe('export of 100,000 tickets', () => {
  const COUNT = 100_000;
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signedIn(t, { role: 'admin' });
    const client = await signedIn(t);
    await t.http.post('/api/v1/custom-fields').set(admin.auth).send({ key: 'order_no', label: 'Order', type: 'text' }).expect(201);
    await t.db.query(
      `INSERT INTO tickets (title, description, client_id, frt_deadline, ttr_deadline, created_at, custom_fields)
       SELECT 'Seeded ticket ' || n, repeat('A description long enough to weigh something. ', 6), $1,
              now() + interval '1 hour', now() + interval '1 day', now() - n * interval '1 second', jsonb_build_object('order_no', 'N-' || n)
         FROM generate_series(1, $2::int) AS n`,
      [client.user.id, COUNT],
    );
  }, 120_000);
  afterAll(() => t.close());

  /**
   * Live memory of the process (the service, and the test reading the body, which counts and drops
   * each chunk), after a full garbage collection: garbage waiting for the collector says nothing
   * about what the export holds on to.
   */
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  it('streams every row with flat memory', async () => {
    const before = live();
    let peak = before;
    let bytes = 0;
    let newlines = 0;
    let chunks = 0;
    const res = await open(t, '/api/v1/exports/tickets', admin);
    expect(res.statusCode).toBe(200);
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      chunks += 1;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines += 1;
      if (chunks % 40 === 0) peak = Math.max(peak, live()); // some twenty samples over the export
    }
    expect(chunks).toBeGreaterThan(200);
    expect(newlines).toBe(COUNT + 1); // the header and one line per ticket (no line breaks inside these cells)
    expect(bytes).toBeGreaterThan(COUNT * 300);
    // Holding the rows (as objects, or as text) would take more than `bytes`; a stream holds a few batches.
    expect(peak - before).toBeLessThan(bytes / 5);
  }, 180_000);

  it('ends the query when the client goes away', async () => {
    const running = async () =>
      Number(
        (
          await t.db.query(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE '%/* tickets.export */%'`,
          )
        )[0].n,
      );
    const res = await open(t, '/api/v1/exports/tickets?format=jsonl', admin);
    res.pause(); // backpressure: the cursor stops fetching and the query waits, open
    await waitFor(async () => (await running()) === 1);
    res.destroy();
    await waitFor(async () => (await running()) === 0);
    // The pool still serves.
    await t.http.get('/api/v1/tickets?limit=1').set(admin.auth).expect(200);
  }, 60_000);
});

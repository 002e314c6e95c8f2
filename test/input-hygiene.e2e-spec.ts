import type { Socket } from 'socket.io-client';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { collect, rawRequest, request, socketPool } from './utils/socket.js';

interface ErrorBody {
  status_code: number;
  error: string;
  message: string;
  details: { field: string; problems: string[] }[];
  request_id: string;
}
interface Ack {
  ok: boolean;
  error?: { status_code: number; error: string; message: string; details: { field: string; problems: string[] }[] };
}

/** 10,000 levels of `{"a": ...}`: about 60 KB, far past any stack-bound recursive walk. */
const DEEP_JSON = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
class RawJson {
  constructor(readonly json: string) {}
}
const LONE = '\ud800';

describe('input hygiene: every bad input is a 422 in the error shape, never a 5xx, and writes nothing', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let admin: SignedInUser;
  let ticketId: number;
  let queueId: number;
  const sockets = socketPool(() => t.baseUrl);
  const { open } = sockets;

  const counts = async () => {
    const [row] = (await t.db.query(
      `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM queues)::int AS queues, (SELECT count(*) FROM messages)::int AS messages,
              (SELECT count(*) FROM ticket_events)::int AS events`,
    )) as Record<string, number>[];
    return row;
  };

  /** The request answers 422 in the error shape, naming `field` when given, and no row changed. */
  const refused = async (send: () => Promise<{ status: number; body: unknown }>, field?: string) => {
    const before = await counts();
    const res = await send();
    const body = res.body as ErrorBody;
    expect({ status: res.status, error: body.error }).toEqual({ status: 422, error: 'validation_failed' });
    expect(body).toEqual(expect.objectContaining({ status_code: 422, message: expect.any(String), request_id: expect.any(String) }));
    if (field) expect(body.details.map((d) => d.field)).toContain(field);
    expect(await counts()).toEqual(before);
  };

  const refusedAck = async (socket: Socket, event: string, payload: unknown, field?: string) => {
    const before = await counts();
    const answer = payload instanceof RawJson ? await rawRequest<Ack>(socket, event, payload.json) : await request<Ack>(socket, event, payload);
    expect(answer.ok).toBe(false);
    expect(answer.error).toEqual(expect.objectContaining({ status_code: 422, error: 'validation_failed' }));
    if (field) expect(answer.error?.details.map((d) => d.field)).toContain(field);
    expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
    admin = await signedIn(t, { role: 'admin' });
    ticketId = (await createTicket(t.db, { clientId: client.user.id })).id;
    queueId = (await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'Hygiene' }).expect(201)).body.id as number;
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  describe('null for a field that cannot be null', () => {
    it.each(['title', 'description', 'priority', 'queue_id', 'status'])('PATCH /tickets/:id {"%s": null}', async (field) => {
      await refused(() => t.http.patch(`/api/v1/tickets/${ticketId}`).set(agent.auth).send({ [field]: null }), field);
    });

    it.each(['queue_id', 'priority', 'category', 'client_email'])('POST /tickets with %s: null', async (field) => {
      await refused(() => t.http.post('/api/v1/tickets').set(agent.auth).send({ title: 'Typed title', description: 'Details of the problem', [field]: null }), field);
    });

    it.each(['queue_id', 'status', 'priority'])('POST /tickets/bulk with %s: null', async (field) => {
      await refused(() => t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [ticketId], [field]: null }), field);
    });

    it.each(['name', 'role', 'is_active', 'password'])('PATCH /users/:id {"%s": null}', async (field) => {
      await refused(() => t.http.patch(`/api/v1/users/${client.user.id}`).set(admin.auth).send({ [field]: null }), field);
    });

    it.each(['name', 'description'])('queues: %s: null', async (field) => {
      await refused(() => t.http.patch(`/api/v1/queues/${queueId}`).set(admin.auth).send({ [field]: null }), field);
      await refused(() => t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'Q', [field]: null }), field);
    });

    it('POST /tickets/:id/messages with client_msg_id: null', async () => {
      await refused(() => t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'hi', client_msg_id: null }), 'client_msg_id');
    });

    it('keeps null where it means something: category clears, agent_id unassigns', async () => {
      await t.http.patch(`/api/v1/tickets/${ticketId}`).set(agent.auth).send({ category: null }).expect(200);
      await t.http.post(`/api/v1/tickets/${ticketId}/assign`).set(agent.auth).send({ agent_id: null }).expect(200);
    });

    it('over Socket.IO: ticket:create with queue_id: null', async () => {
      await refusedAck(await open(client), 'ticket:create', { title: 'Typed title', description: 'Details of the problem', queue_id: null }, 'queue_id');
    });
  });

  describe('deep nesting', () => {
    it.each([
      ['POST', '/api/v1/tickets'],
      ['PATCH', '/api/v1/tickets/1'],
      ['POST', '/api/v1/auth/signup'],
      ['POST', '/api/v1/auth/login'],
    ])('%s %s with 10,000 levels', async (method, path) => {
      await refused(() =>
        (method === 'POST' ? t.http.post(path) : t.http.patch(path)).set(agent.auth).set('Content-Type', 'application/json').send(DEEP_JSON),
      );
    });

    it.each(['ticket:create', 'message:send', 'ticket:join'])('%s with 10,000 levels is answered with an ack', async (event) => {
      const socket = await open(client);
      const exceptions = collect(socket, 'exception');
      await refusedAck(socket, event, new RawJson(`{"ticket_id":${ticketId},"title":"T","description":"D","content":"x","extra":${DEEP_JSON}}`));
      expect(exceptions).toEqual([]);
    });
    it('ticket:create with 300,000 levels (too deep even for JSON.stringify) is answered with an ack', async () => {
      await refusedAck(await open(client), 'ticket:create', new RawJson(`${'['.repeat(300_000)}${']'.repeat(300_000)}`));
    });
  });

  describe('malformed Unicode (a lone surrogate)', () => {
    it('POST /auth/signup with a lone surrogate in the e-mail, without a login', async () => {
      await refused(() => t.http.post('/api/v1/auth/signup').send({ email: `a${LONE}@example.test`, password: 'long-enough-pw', name: 'N' }), 'email');
    });

    it('POST /auth/login', async () => {
      await refused(() => t.http.post('/api/v1/auth/login').send({ email: `a${LONE}@example.test`, password: 'x' }), 'email');
    });

    it('POST /users', async () => {
      await refused(
        () => t.http.post('/api/v1/users').set(admin.auth).send({ email: `b${LONE}@example.test`, password: 'long-enough-pw', name: 'N', role: 'agent' }),
        'email',
      );
    });

    it.each(['title', 'description', 'category', 'client_email'])('POST /tickets with a lone surrogate in %s', async (field) => {
      const body = { title: 'Typed title', description: 'Details of the problem', [field]: field === 'client_email' ? `c${LONE}@example.test` : `x${LONE}` };
      await refused(() => t.http.post('/api/v1/tickets').set(agent.auth).send(body), field);
    });

    it('over Socket.IO: ticket:create and message:send', async () => {
      const socket = await open(client);
      await refusedAck(socket, 'ticket:create', { title: 'Typed title', description: 'Details of the problem', client_email: `d${LONE}@example.test` }, 'client_email');
      await refusedAck(socket, 'message:send', { ticket_id: ticketId, content: `hi ${LONE}` }, 'content');
    });
  });

  describe('prototype keys', () => {
    it.each(['__proto__', 'constructor', 'prototype'])('POST /tickets with an own "%s" key', async (key) => {
      const raw = `{"title":"T","description":"D","${key}":{"queue_id":1}}`;
      await refused(() => t.http.post('/api/v1/tickets').set(client.auth).set('Content-Type', 'application/json').send(raw), key);
    });

    it('PATCH /users/:id with "__proto__" carrying a role', async () => {
      const raw = '{"name":"N","__proto__":{"role":"admin"}}';
      await refused(() => t.http.patch(`/api/v1/users/${client.user.id}`).set(admin.auth).set('Content-Type', 'application/json').send(raw), '__proto__');
    });

    it('over Socket.IO: ticket:create with "__proto__"', async () => {
      await refusedAck(await open(client), 'ticket:create', JSON.parse('{"title":"T","description":"D","__proto__":{"x":1}}'), '__proto__');
    });
  });

  describe('NUL characters', () => {
    it('POST /tickets/:id/messages', async () => {
      await refused(() => t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'a\u0000b' }), 'content');
    });

    it('message:send is acknowledged with the error, with no "exception" event', async () => {
      const socket = await open(client);
      const exceptions = collect(socket, 'exception');
      await refusedAck(socket, 'message:send', { ticket_id: ticketId, content: 'a\u0000b' }, 'content');
      await refusedAck(socket, 'ticket:join', { ticket_id: ticketId, client_msg: '\u0000' });
      expect(exceptions).toEqual([]);
    });
  });

  describe('ids in decimal digits only', () => {
    it.each(['0x10', '1e3', '%201', '+1', '01', '1.0', '0', '2147483648', '99999999999', '-1', '1%00'])('GET /tickets/%s', async (id) => {
      await refused(() => t.http.get(`/api/v1/tickets/${id}`).set(agent.auth));
    });

    it.each(['0x10', '1e3', ' 1', '01', '+1', '1.5'])('query ids and limits: %s', async (value) => {
      await refused(() => t.http.get('/api/v1/tickets').query({ queue_id: value }).set(agent.auth), 'queue_id');
      await refused(() => t.http.get('/api/v1/tickets').query({ limit: value }).set(agent.auth), 'limit');
    });

    it('still reads plain decimal ids', async () => {
      await t.http.get(`/api/v1/tickets/${ticketId}`).set(agent.auth).expect(200);
      await t.http.get('/api/v1/tickets').query({ queue_id: String(queueId), limit: '10' }).set(agent.auth).expect(200);
    });

    it('ticket:join with a string id', async () => {
      await refusedAck(await open(client), 'ticket:join', { ticket_id: '0x10' }, 'ticket_id');
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, sharedBackends, TEST_ENV, type TestApp } from './utils/create-test-app.js';
import { handMadeJwt } from './utils/jwt.js';
import { exchange, openPlain, type PlainClient } from './utils/plain-ws.js';
import { connect, next, request } from './utils/socket.js';
import { createTestDatabase, type TestDatabase } from './utils/test-db.js';
import { waitFor } from './utils/wait.js';

type Message = { id: number; ticket_id: number; content: string; author_id: number; is_from_agent: boolean; created_at: string };
type ErrorFrame = { error: { status_code: number; error: string; message: string; details: { field?: string; problems?: string[] }[] } };

const isMessage = (content: string) => (frame: Partial<Message>) => frame.content === content;

/** The described system's ticket, as its clients send it (status and client_id included). */
const describedTicket = (clientId: number) => ({
  title: 'Site is down',
  description: 'The checkout page answers 502 since this morning.',
  status: 'OPEN',
  priority: 'MEDIUM',
  category: 'website',
  queue_id: 1,
  client_id: clientId,
});

/** Two instances over one database: on the PostgreSQL adapter, and (with REDIS_URL) on the Redis adapter and counters. */
describe.each(sharedBackends('PostgreSQL adapter', 'Redis adapter'))('plain WebSocket chat at /ws/support, %s', (_, env) => {
  let database: TestDatabase;
  let t: TestApp;
  let other: TestApp;
  let agent: SignedInUser;
  const clients: PlainClient[] = [];
  const sockets: Socket[] = [];

  const plain = async (who: SignedInUser | string | undefined, app: TestApp = t) => {
    const client = await openPlain(app.baseUrl, { token: typeof who === 'object' ? who.token : who });
    clients.push(client);
    return client;
  };
  const socketIo = async (who: SignedInUser, app: TestApp = t) => {
    const socket = await connect(app.baseUrl, who.token);
    sockets.push(socket);
    return socket;
  };
  /**
   * A customer of its own (chat limits are per user, so earlier tests do not count) connected over
   * the plain WebSocket, with a ticket created by its first frame.
   */
  const customerOnTicket = async () => {
    const customer = await signedIn(t);
    const client = await plain(customer);
    const { ticket_id } = await exchange<{ ticket_id: number }>(client, { title: 'Order #1234', description: 'Where is my parcel? It is late.' });
    return { customer, client, ticketId: ticket_id };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ AUTO_ASSIGN: 'false', ...env }, database);
    other = await createTestApp({ AUTO_ASSIGN: 'false', ...env }, database);
    agent = await signedIn(t, { role: 'agent' });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.ws.close();
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await t.close();
    await other.close();
    await database.drop();
  });

  describe('the described payloads, verbatim', () => {
    it('a client creates a ticket with its first frame and is answered {"ticket_id"}', async () => {
      const customer = await signedIn(t);
      const client = await plain(customer);
      const answer = await exchange<Record<string, unknown>>(client, describedTicket(customer.user.id));
      expect(answer).toEqual({ ticket_id: expect.any(Number) });
      const [row] = await t.db.query('SELECT client_id, status, priority, category, queue_id, source FROM tickets WHERE id = $1', [answer.ticket_id]);
      expect(row).toEqual({ client_id: customer.user.id, status: 'open', priority: 'medium', category: 'website', queue_id: 1, source: 'chat' });
    });

    it('a message is stored and seen by a Socket.IO agent; the agent’s reply comes back as a frame', async () => {
      const { customer, client, ticketId } = await customerOnTicket();
      const console = await socketIo(agent);
      expect((await request(console, 'ticket:join', { ticket_id: ticketId })).ok).toBe(true);

      const seen = next<Message>(console, 'message:new', (m) => m.content === 'Still nothing');
      const own = client.next<Message>(isMessage('Still nothing'));
      client.send({ ticket_id: ticketId, author_id: customer.user.id, is_from_agent: false, content: 'Still nothing' });
      expect(await seen).toMatchObject({ ticket_id: ticketId, author_id: customer.user.id, is_from_agent: false });
      // The sender gets its own message too, in the REST shape.
      expect(await own).toMatchObject({ id: (await seen).id, ticket_id: ticketId, created_at: expect.any(String) });
      const rows = await t.db.query('SELECT author_id, is_from_agent FROM messages WHERE ticket_id = $1', [ticketId]);
      expect(rows).toEqual([{ author_id: customer.user.id, is_from_agent: false }]);

      const reply = client.next<Message>(isMessage('Looking into it'));
      expect((await request(console, 'message:send', { ticket_id: ticketId, content: 'Looking into it' })).ok).toBe(true);
      expect(await reply).toMatchObject({ ticket_id: ticketId, author_id: agent.user.id, is_from_agent: true });
    });

    it('an agent joins with its first frame and replies; the customer gets the reply, REST messages arrive too', async () => {
      const { customer, client, ticketId } = await customerOnTicket();
      const console = await plain(agent);
      expect(await exchange(console, { ticket_id: ticketId })).toEqual({ ticket_id: ticketId });

      const toCustomer = client.next<Message>(isMessage('We are on it'));
      const toAgent = console.next<Message>(isMessage('We are on it'));
      console.send({ ticket_id: ticketId, author_id: agent.user.id, is_from_agent: true, content: 'We are on it' });
      expect(await toCustomer).toMatchObject({ author_id: agent.user.id, is_from_agent: true });
      expect(await toAgent).toMatchObject({ author_id: agent.user.id });

      const viaRest = console.next<Message>(isMessage('Posted over REST'));
      await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(customer.auth).send({ content: 'Posted over REST' }).expect(201);
      expect(await viaRest).toMatchObject({ author_id: customer.user.id, is_from_agent: false });
    });

    it('refuses a mismatched author_id or client_id with an error frame naming the field, and stays open', async () => {
      const customer = await signedIn(t);
      const client = await plain(customer);
      const badCreate = await exchange<ErrorFrame>(client, describedTicket(customer.user.id + 1000));
      expect(badCreate.error).toMatchObject({ status_code: 422, error: 'validation_failed', details: expect.arrayContaining([expect.objectContaining({ field: 'client_id' })]) });

      const { ticket_id } = await exchange<{ ticket_id: number }>(client, describedTicket(customer.user.id));
      const badMessage = await exchange<ErrorFrame>(client, { ticket_id, author_id: agent.user.id, is_from_agent: false, content: 'Spoofed' });
      expect(badMessage.error).toMatchObject({ status_code: 422, error: 'validation_failed', details: expect.arrayContaining([expect.objectContaining({ field: 'author_id' })]) });
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      expect(await exchange<Message>(client, { ticket_id, content: 'Genuine' })).toMatchObject({ content: 'Genuine', author_id: customer.user.id });
      expect((await t.db.query('SELECT content FROM messages WHERE ticket_id = $1', [ticket_id])).map((r: { content: string }) => r.content)).toEqual(['Genuine']);
    });
  });

  describe('frames', () => {
    it.each([
      ['not JSON', '{"title": ', 400, 'malformed_json'],
      ['not an object', '[1, 2]', 422, 'validation_failed'],
      ['a wrong shape', { title: 42 }, 422, 'validation_failed'],
      ['an unknown field', { title: 'Order #1234', description: 'Where is my parcel?', colour: 'red' }, 422, 'validation_failed'],
      ['a prototype key', '{"title": "Order #1234", "description": "Where is my parcel?", "__proto__": {}}', 422, 'validation_failed'],
      ['a NUL character', { title: 'Order \u0000', description: 'Where is my parcel?' }, 422, 'validation_failed'],
      ['deep nesting', `{"title": ${'['.repeat(5000)}${']'.repeat(5000)}, "description": "Where is my parcel?"}`, 422, 'validation_failed'],
      ['too big', { title: 'Big', description: 'x'.repeat(70_000) }, 413, 'payload_too_large'],
    ])('answers %s with an error frame and stays open', async (_case, frame, status, code) => {
      const customer = await signedIn(t);
      const client = await plain(customer);
      const answer = await exchange<ErrorFrame>(client, frame);
      expect(answer).toEqual({ error: { status_code: status, error: code, message: expect.any(String), details: expect.any(Array) } });
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      expect(await exchange(client, { title: 'Still here', description: 'Answered after a bad frame.' })).toEqual({ ticket_id: expect.any(Number) });
    });

    it('refuses a message to another ticket than the one joined', async () => {
      const { client, ticketId } = await customerOnTicket();
      const answer = await exchange<ErrorFrame>(client, { ticket_id: ticketId + 1, content: 'Elsewhere' });
      expect(answer.error).toMatchObject({ status_code: 422, details: [expect.objectContaining({ field: 'ticket_id' })] });
    });

    it('lets a client join only its own ticket; an agent’s first frame always joins', async () => {
      const theirs = await createTicket(t.db, { clientId: (await signedIn(t)).user.id });
      const customer = await signedIn(t);
      const client = await plain(customer);
      expect((await exchange<ErrorFrame>(client, { ticket_id: theirs.id })).error).toMatchObject({ status_code: 404, error: 'not_found' });
      const console = await plain(agent);
      expect((await exchange<ErrorFrame>(console, { title: 'Order #1234', description: 'Agents join, they do not create.' })).error).toMatchObject({
        status_code: 422,
      });
      expect(await exchange(console, { ticket_id: theirs.id })).toEqual({ ticket_id: theirs.id });
    });

    it('replays the messages after since_message_id on a join', async () => {
      const { customer, client, ticketId } = await customerOnTicket();
      const first = await exchange<Message>(client, { ticket_id: ticketId, content: 'first' });
      await exchange<Message>(client, { ticket_id: ticketId, content: 'second' });
      const again = await plain(customer);
      const missed = again.next<Message>(isMessage('second'));
      expect(await exchange(again, { ticket_id: ticketId, since_message_id: first.id })).toEqual({ ticket_id: ticketId });
      await missed;
      expect(again.frames.filter((frame) => 'content' in frame).map((frame) => frame.content)).toEqual(['second']);
    });

    it('stores one message for the same client_msg_id sent twice, and answers the second with it', async () => {
      const { client, ticketId } = await customerOnTicket();
      const frame = { ticket_id: ticketId, content: 'Once only', client_msg_id: 'c-1' };
      const stored = await exchange<Message>(client, frame);
      const again = await exchange<Message>(client, frame);
      expect(again).toEqual(stored);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticketId]);
      expect(count).toBe(1);
    });

    it('shares the chat rate limit with Socket.IO', async () => {
      const limited = await signedIn(t);
      const ticket = await createTicket(t.db, { clientId: limited.user.id });
      const socket = await socketIo(limited);
      for (let i = 0; i < 19; i += 1) expect((await request(socket, 'message:send', { ticket_id: ticket.id, content: `m${i}` })).ok).toBe(true);
      const client = await plain(limited);
      expect(await exchange(client, { ticket_id: ticket.id })).toEqual({ ticket_id: ticket.id });
      expect(await exchange<Message>(client, { ticket_id: ticket.id, content: 'twentieth' })).toMatchObject({ content: 'twentieth' });
      expect((await exchange<ErrorFrame>(client, { ticket_id: ticket.id, content: 'one too many' })).error).toMatchObject({ status_code: 429, error: 'rate_limited' });
    });
  });

  describe('authentication', () => {
    it.each([
      ['no token', undefined],
      ['a bad token', 'not-a-jwt'],
      ['an expired token', handMadeJwt({ sub: 1, exp: Math.floor(Date.now() / 1000) - 60, jti: '00000000-0000-4000-8000-000000000000', ver: 0 }, TEST_ENV.JWT_SECRET)],
    ])('closes with 4401 for %s', async (_case, token) => {
      const client = await plain(token);
      expect(await client.closed).toEqual({ code: 4401, reason: 'unauthorized' });
    });

    it('takes the token from Sec-WebSocket-Protocol ("bearer, <token>") and answers the bearer subprotocol', async () => {
      const client = await openPlain(t.baseUrl, { protocols: ['bearer', (await signedIn(t)).token] });
      clients.push(client);
      expect(client.ws.protocol).toBe('bearer');
      expect(await exchange(client, { title: 'Via subprotocol', description: 'The token came in the header.' })).toEqual({ ticket_id: expect.any(Number) });
    });

    it('a token’s expiry ends the connection with 4401, as on Socket.IO', async () => {
      const who = await signedIn(t);
      const shortLived = handMadeJwt({ sub: who.user.id, jti: randomUUID(), ver: who.user.tokenVersion, exp: Math.floor(Date.now() / 1000) + 2 }, TEST_ENV.JWT_SECRET);
      const client = await plain(shortLived);
      expect(await exchange(client, { title: 'Short session', description: 'This token lasts two seconds.' })).toEqual({ ticket_id: expect.any(Number) });
      expect(await client.closed).toEqual({ code: 4401, reason: 'token expired' });
    });

    it('a logout ends the connection with 4401, as on Socket.IO', async () => {
      const leaving = await signedIn(t);
      const client = await plain(leaving);
      expect(await exchange(client, { title: 'Leaving soon', description: 'This session is about to end.' })).toEqual({ ticket_id: expect.any(Number) });
      await t.http.post('/api/v1/auth/logout').set(leaving.auth).expect(204);
      expect((await client.closed).code).toBe(4401);
    });
  });

  describe('across instances', () => {
    it('messages stored on another instance reach the plain WebSocket; a deactivation there closes it', async () => {
      const { client, ticketId } = await customerOnTicket();
      const console = await socketIo(agent, other);
      expect((await request(console, 'ticket:join', { ticket_id: ticketId })).ok).toBe(true);
      const viaSocketIo = client.next<Message>(isMessage('From the other instance'));
      expect((await request(console, 'message:send', { ticket_id: ticketId, content: 'From the other instance' })).ok).toBe(true);
      expect(await viaSocketIo).toMatchObject({ author_id: agent.user.id });

      const viaRest = client.next<Message>(isMessage('REST on the other instance'));
      await other.http.post(`/api/v1/tickets/${ticketId}/messages`).set(agent.auth).send({ content: 'REST on the other instance' }).expect(201);
      await viaRest;

      const admin = await signedIn(t, { role: 'admin' });
      const doomed = await signedIn(t, { role: 'agent' });
      const theirs = await plain(doomed);
      expect(await exchange(theirs, { ticket_id: ticketId })).toEqual({ ticket_id: ticketId });
      await other.http.patch(`/api/v1/users/${doomed.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
      expect((await theirs.closed).code).toBe(4401);
    });

    it('counts plain WebSocket connections in the per-user cap', async () => {
      const capped = await createTestApp({ CHAT_MAX_SOCKETS_PER_USER: '2', ...env }, database);
      try {
        const user = await signedIn(capped);
        const first = await openPlain(capped.baseUrl, { token: user.token });
        clients.push(first, await openPlain(capped.baseUrl, { token: user.token }));
        // Both taken once accepted (the check follows the handshake): the cap counts them from the presence rows.
        await waitFor(async () => (await capped.db.query('SELECT sum(connections)::int AS n FROM agent_presence WHERE user_id = $1', [user.user.id]))[0].n === 2);
        await expect(connect(capped.baseUrl, user.token)).rejects.toThrow('rate_limited');
        const third = await openPlain(capped.baseUrl, { token: user.token });
        expect(await third.closed).toEqual({ code: 4429, reason: 'rate_limited' });
        // Its connections also close with the app: 1001, going away.
        const closing = first.closed;
        await capped.close();
        expect((await closing).code).toBe(1001);
      } finally {
        await capped.close();
      }
    });
  });

  it('leaves Socket.IO on the same port working, and ends unknown upgrade paths', async () => {
    const socket = await socketIo(await signedIn(t));
    expect((await request(socket, 'ticket:create', { title: 'Beside it', description: 'Socket.IO still answers.' })).ok).toBe(true);
    const stray = openPlainAt(t.baseUrl, '/ws/elsewhere');
    await expect(stray).rejects.toThrow();
  });
});

/** Resolves when a WebSocket upgrade to `path` opens, rejects when it is refused or cut. */
function openPlainAt(baseUrl: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`);
    ws.once('open', () => {
      ws.close();
      resolve();
    });
    ws.once('error', reject);
  });
}

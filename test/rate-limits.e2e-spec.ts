import type { Socket } from 'socket.io-client';
import type { Response } from 'supertest';
import { createTicket } from './factories/tickets.factory.js';
import { type SignedInUser, signedIn } from './factories/users.factory.js';
import { sharedBackends, type TestApp } from './utils/create-test-app.js';
import { decodeJwtPayload } from './utils/jwt.js';
import { connect, request } from './utils/socket.js';
import { waitFor } from './utils/wait.js';
import { twoInstances } from './utils/two-instances.js';

/** Low limits; TRUST_PROXY so each test speaks from its own address (X-Forwarded-For). */
const LIMITS = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_WRITES_PER_MINUTE: '5',
  RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '8',
  SIGNUP_PER_HOUR_PER_IP: '3',
  LOGIN_PER_MINUTE_PER_IP: '4',
  CHAT_RATE_LIMIT: '3',
  CHAT_MAX_SOCKETS_PER_USER: '3',
};

type Answer = { ok: boolean; error?: { error: string; status_code: number } };
const sendOn = (socket: Socket, ticketId: number, content: string) => request<Answer>(socket, 'message:send', { ticket_id: ticketId, content });

/** A customer with a ticket and a socket on each of two instances (or two on one). */
async function twoSockets(first: TestApp, second: TestApp, opened: Socket[]) {
  const customer = await signedIn(first);
  const ticket = await createTicket(first.db, { clientId: customer.user.id });
  const sockets = { first: await connect(first.baseUrl, customer.token), second: await connect(second.baseUrl, customer.token) };
  opened.push(sockets.first, sockets.second);
  return { ticket, ...sockets };
}

/** Connects as soon as a place under the socket cap is free again (a close is counted asynchronously). */
async function connectOnceFree(t: TestApp, token: string): Promise<Socket> {
  let socket: Socket | null = null;
  await waitFor(async () => {
    socket = await connect(t.baseUrl, token).catch(() => null);
    return socket !== null;
  });
  return socket as unknown as Socket;
}

const createFrom = (t: TestApp, ip: string, who: SignedInUser) =>
  t.http.post('/api/v1/tickets').set(who.auth).set('X-Forwarded-For', ip).send({ title: 'Burst', description: 'Details of the problem' });

function expectLimited(res: Response, policy: string, limit: number, windowSeconds = 60): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    status_code: 429,
    error: 'rate_limited',
    message: expect.stringContaining(policy),
    details: [expect.objectContaining({ policy, limit, window_seconds: windowSeconds })],
    request_id: res.headers['x-request-id'],
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(res.headers['ratelimit-policy']).toBe(`"${policy}";q=${limit};w=${windowSeconds}`);
  expect(res.headers.ratelimit).toBe(`"${policy}";r=0;t=${retryAfter}`);
}

describe('rate limits (two instances over one database, hits counted in memory and flushed)', () => {
  let a: TestApp;
  let b: TestApp;
  const { sockets } = twoInstances(LIMITS, (first, second) => {
    a = first;
    b = second;
  });

  it('limits a burst of writes per user (429, Retry-After, RateLimit headers, error shape); reads are not counted', async () => {
    const customer = await signedIn(a);
    const other = await signedIn(a);
    for (let i = 0; i < 5; i += 1) await createFrom(a, '10.0.1.1', customer).expect(201);
    for (let i = 0; i < 10; i += 1) await a.http.get('/api/v1/tickets').set(customer.auth).set('X-Forwarded-For', '10.0.1.1').expect(200);
    expectLimited(await createFrom(a, '10.0.1.1', customer), 'writes-user', 5);
    // Another user from the same address is not limited by the first one's count.
    await createFrom(a, '10.0.1.1', other).expect(201);
  });

  it('counts a visitor token’s writes against its visit, not the account', async () => {
    const contact = await signedIn(a, { password: null });
    const visit = await a.http.post('/api/v1/auth/visitor').set('X-Forwarded-For', '10.77.0.3').send({ name: 'Someone', email: contact.user.email }).expect(201);
    const visitor = { user: contact.user, token: visit.body.access_token as string, auth: { Authorization: `Bearer ${visit.body.access_token}` } } as SignedInUser;
    for (let i = 0; i < 5; i += 1) await createFrom(a, `10.0.3.${i + 1}`, visitor).expect(201);
    expectLimited(await createFrom(a, '10.0.3.9', visitor), 'writes-user', 5);
    // The account itself (here its own token) still writes.
    await createFrom(a, '10.0.3.10', contact).expect(201);
  });

  it('limits writes per IP address over several users', async () => {
    const users = [await signedIn(a), await signedIn(a)];
    for (const user of users) for (let i = 0; i < 4; i += 1) await createFrom(a, '10.0.2.1', user).expect(201);
    expectLimited(await createFrom(a, '10.0.2.1', users[1]), 'writes-ip', 8);
    await createFrom(a, '10.0.2.2', users[0]).expect(201);
  });

  it('limits signups per IP address', async () => {
    const signup = (ip: string, n: number) =>
      a.http.post('/api/v1/auth/signup').set('X-Forwarded-For', ip).send({ email: `spam${n}-${ip}@example.test`, password: 'correct-horse-42', name: 'Spam' });
    for (let n = 0; n < 3; n += 1) await signup('10.0.3.1', n).expect(201);
    expectLimited(await signup('10.0.3.1', 3), 'signup-ip', 3, 3600);
    await signup('10.0.3.2', 4).expect(201);
  });

  it('counts password-reset requests against the signup limit per IP address', async () => {
    const reset = (ip: string, n: number) => a.http.post('/api/v1/auth/password-reset').set('X-Forwarded-For', ip).send({ email: `victim${n}@example.test` });
    for (let n = 0; n < 3; n += 1) await reset('10.0.3.9', n).expect(202);
    expectLimited(await reset('10.0.3.9', 3), 'signup-ip', 3, 3600);
    await reset('10.0.3.10', 4).expect(202);
  });

  it('limits logins per IP address across e-mails (password spraying)', async () => {
    const login = (ip: string, n: number) =>
      a.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: `victim${n}@example.test`, password: 'Spring2026!' });
    for (let n = 0; n < 4; n += 1) await login('10.0.4.1', n).expect(401);
    expectLimited(await login('10.0.4.1', 4), 'login-ip', 4);
    await login('10.0.4.2', 5).expect(401);
  });

  it('shares the counters: after a burst on A, B refuses within a flush', async () => {
    const customer = await signedIn(a);
    for (let i = 0; i < 5; i += 1) await createFrom(a, '10.0.5.1', customer).expect(201);
    let acceptedOnB = 0;
    await waitFor(async () => {
      const res = await createFrom(b, '10.0.5.1', customer);
      if (res.status === 201) acceptedOnB += 1;
      return res.status === 429;
    });
    // Alone, B would take 5 more; it learns A's hits at its next flush (RATE_LIMIT_FLUSH_MS).
    expect(acceptedOnB).toBeLessThanOrEqual(2);
  });

  it('limits chat messages per user over all of its sockets', async () => {
    const { ticket, first, second } = await twoSockets(a, a, sockets);
    const send = (socket: Socket, content: string) => sendOn(socket, ticket.id, content);
    expect((await send(first, 'one')).ok).toBe(true);
    expect((await send(second, 'two')).ok).toBe(true);
    expect((await send(first, 'three')).ok).toBe(true);
    expect(await send(second, 'four')).toMatchObject({ ok: false, error: { error: 'rate_limited', status_code: 429 } });
  });

  it('caps the sockets one user holds; a closed one frees its place', async () => {
    const agent = await signedIn(a, { role: 'agent' });
    const open = [await connect(a.baseUrl, agent.token), await connect(a.baseUrl, agent.token), await connect(a.baseUrl, agent.token)];
    sockets.push(...open);
    await expect(connect(a.baseUrl, agent.token)).rejects.toThrow('rate_limited');
    // Another user is not affected.
    sockets.push(await connect(a.baseUrl, (await signedIn(a)).token));
    open[0].close();
    sockets.push(await connectOnceFree(a, agent.token));
  });

  it('counts a visitor token’s sockets against its visit, over all instances: visits started with an address never lock its account out', async () => {
    const contact = await signedIn(a, { password: null });
    const visit = await a.http.post('/api/v1/auth/visitor').set('X-Forwarded-For', '10.77.0.1').send({ name: 'Someone', email: contact.user.email }).expect(201);
    const visitor = visit.body.access_token as string;
    // Counted over both instances, as an account's are.
    for (const app of [a, b, a]) sockets.push(await connect(app.baseUrl, visitor));
    await expect(connect(b.baseUrl, visitor)).rejects.toThrow('rate_limited');
    expect((await a.db.query('SELECT sum(connections)::int AS n FROM visitor_presence WHERE visitor_session_id = $1', [decodeJwtPayload(visitor).vis]))[0].n).toBe(3);
    // The account's own connections are counted apart, up to its own cap.
    for (let n = 0; n < 3; n += 1) sockets.push(await connect(a.baseUrl, contact.token));
    await expect(connect(a.baseUrl, contact.token)).rejects.toThrow('rate_limited');
  });

  it('counts a visitor token’s chat messages against its visit, not the account', async () => {
    const contact = await signedIn(a, { password: null });
    const visit = await a.http.post('/api/v1/auth/visitor').set('X-Forwarded-For', '10.77.0.2').send({ name: 'Someone', email: contact.user.email }).expect(201);
    const visitor = await connect(a.baseUrl, visit.body.access_token as string);
    const account = await connect(a.baseUrl, contact.token);
    sockets.push(visitor, account);
    const created = await request<Answer & { ticket_id: number }>(visitor, 'ticket:create', { title: 'From the visit', description: 'Details of the problem' });
    expect(created.ok).toBe(true);
    expect((await sendOn(visitor, created.ticket_id, 'two')).ok).toBe(true);
    expect((await sendOn(visitor, created.ticket_id, 'three')).ok).toBe(true);
    expect(await sendOn(visitor, created.ticket_id, 'four')).toMatchObject({ ok: false, error: { error: 'rate_limited' } });
    const own = await createTicket(a.db, { clientId: contact.user.id });
    expect((await sendOn(account, own.id, 'the account’s own')).ok).toBe(true);
  });

  it('shares the chat counters: after a burst on A, B refuses within a flush', async () => {
    const { ticket, first: onA, second: onB } = await twoSockets(a, b, sockets);
    for (let i = 0; i < 3; i += 1) expect((await sendOn(onA, ticket.id, `a${i}`)).ok).toBe(true);
    let acceptedOnB = 0;
    await waitFor(async () => {
      const answer = await sendOn(onB, ticket.id, 'b');
      if (answer.ok) acceptedOnB += 1;
      return !answer.ok;
    });
    // Alone, B would take 3 more; it learns A's hits at its next flush (RATE_LIMIT_FLUSH_MS), or
    // at the one after when A's flush came late (a loaded machine).
    expect(acceptedOnB).toBeLessThanOrEqual(2);
  });
});

/** PostgreSQL counters always; Redis ones too when REDIS_URL names a server. */
describe.each(sharedBackends('PostgreSQL counters', 'Redis counters'))('rate limits (two instances, every hit sent to the %s at once)', (_, env) => {
  let a: TestApp;
  let b: TestApp;
  const { sockets } = twoInstances({ ...LIMITS, ...env, RATE_LIMIT_FLUSH_MS: '0' }, (first, second) => {
    a = first;
    b = second;
  });

  it('a burst split over both instances is limited like one', async () => {
    const customer = await signedIn(a);
    const ip = '10.0.6.1';
    for (let i = 0; i < 5; i += 1) await createFrom(i % 2 === 0 ? a : b, ip, customer).expect(201);
    expectLimited(await createFrom(b, ip, customer), 'writes-user', 5);
    expectLimited(await createFrom(a, ip, customer), 'writes-user', 5);
  });

  it('a chat burst from one user split over both instances is limited like one', async () => {
    const { ticket, first: onA, second: onB } = await twoSockets(a, b, sockets);
    expect((await sendOn(onA, ticket.id, 'one')).ok).toBe(true);
    expect((await sendOn(onB, ticket.id, 'two')).ok).toBe(true);
    expect((await sendOn(onA, ticket.id, 'three')).ok).toBe(true);
    expect(await sendOn(onB, ticket.id, 'four')).toMatchObject({ ok: false, error: { error: 'rate_limited', status_code: 429 } });
    expect(await sendOn(onA, ticket.id, 'five')).toMatchObject({ ok: false, error: { error: 'rate_limited', status_code: 429 } });
    const [{ count }] = await a.db.query('SELECT count(*)::int AS count FROM messages WHERE ticket_id = $1', [ticket.id]);
    expect(count).toBe(3);
  });

  it('sockets opened over both instances hit the per-user cap; a closed one frees its place', async () => {
    const agent = await signedIn(a, { role: 'agent' });
    const open = [await connect(a.baseUrl, agent.token), await connect(b.baseUrl, agent.token), await connect(a.baseUrl, agent.token)];
    sockets.push(...open);
    await expect(connect(b.baseUrl, agent.token)).rejects.toThrow('rate_limited');
    await expect(connect(a.baseUrl, agent.token)).rejects.toThrow('rate_limited');
    open[1].close();
    sockets.push(await connectOnceFree(a, agent.token));
  });

  it('counts the connections of an instance that stopped confirming them for nothing once they are stale', async () => {
    const customer = await signedIn(a);
    const crashed = '00000000-0000-4000-8000-000000000001';
    // An instance that died holding three connections of this user, last confirmed two minutes ago.
    await a.db.query(`INSERT INTO agent_presence (instance_id, user_id, connections, seen_at) VALUES ($1, $2, 3, now() - interval '2 minutes')`, [
      crashed,
      customer.user.id,
    ]);
    sockets.push(await connect(a.baseUrl, customer.token));
    // The same rows, still confirmed: the user is at its cap.
    await a.db.query('UPDATE agent_presence SET seen_at = now() WHERE instance_id = $1', [crashed]);
    await expect(connect(b.baseUrl, customer.token)).rejects.toThrow('rate_limited');
  });
});

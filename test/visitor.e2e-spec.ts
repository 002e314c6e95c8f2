import { createTicket } from './factories/tickets.factory.js';
import { createUser, DEFAULT_PASSWORD, signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { decodeJwtPayload, handMadeJwt } from './utils/jwt.js';
import { passwordLinkToken, startSmtpSink, type SmtpSink } from './utils/smtp-sink.js';
import { readSse } from './utils/fake-llm.js';
import { connect, next, request, socketPool } from './utils/socket.js';
import { twoInstances } from './utils/two-instances.js';
import { waitFor } from './utils/wait.js';

const NEW_PASSWORD = 'another-horse-43';

interface Visitor {
  user: { id: number; name: string; email: string; role: string };
  token: string;
  auth: { Authorization: string };
}

type Answer = { ok: boolean; ticket_id?: number; error?: { error: string; status_code: number } };

/**
 * Chat without an account (POST /auth/visitor): a token for a name and an e-mail address, scoped
 * to the tickets opened with it, over REST and Socket.IO; the claim link; the signup limit.
 */
describe('visitor chat (a name and an e-mail address, no password)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const sockets = socketPool(() => t.baseUrl);
  /** Each test speaks from its own address, so the signup limit of one does not reach another. */
  let ip = 0;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://support.example.test/', TRUST_PROXY: 'true', SIGNUP_PER_HOUR_PER_IP: '4' });
  });
  beforeEach(() => (ip += 1));
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const from = (host = 1) => `10.9.${ip}.${host}`;
  const startVisit = (body: object, host = 1) => t.http.post('/api/v1/auth/visitor').set('X-Forwarded-For', from(host)).send(body);
  async function visitor(email: string, name = 'Vera Visitor'): Promise<Visitor> {
    const res = await startVisit({ name, email }).expect(201);
    return { user: res.body.user, token: res.body.access_token, auth: { Authorization: `Bearer ${res.body.access_token}` } };
  }
  const titles = async (auth: Record<string, string>): Promise<string[]> =>
    (await t.http.get('/api/v1/tickets').set(auth).expect(200)).body.items.map((i: { title: string }) => i.title);
  const tokenIn = passwordLinkToken;

  it('sees only the tickets opened with its token: never the address’s earlier tickets nor another visit’s, over REST and Socket.IO', async () => {
    const contact = await createUser(t.db, { password: null, name: 'Known From Mail' });
    const earlier = await createTicket(t.db, { clientId: contact.id, title: 'Earlier by e-mail', source: 'email' });

    const first = await visitor(contact.email.toUpperCase());
    expect(first.user).toMatchObject({ id: contact.id, name: 'Vera Visitor', role: 'client' });
    expect((await t.http.get('/api/v1/auth/me').set(first.auth).expect(200)).body).toMatchObject({ id: contact.id, name: 'Vera Visitor' });

    // The address's earlier ticket: as a stranger's.
    expect(await titles(first.auth)).toEqual([]);
    await t.http.get(`/api/v1/tickets/${earlier.id}`).set(first.auth).expect(404);
    await t.http.get(`/api/v1/tickets/${earlier.id}/messages`).set(first.auth).expect(404);
    await t.http.post(`/api/v1/tickets/${earlier.id}/messages`).set(first.auth).send({ content: 'Let me in' }).expect(404);
    await t.http.get(`/api/v1/attachments/ticket/${earlier.id}`).set(first.auth).expect(404);
    await t.http.patch(`/api/v1/tickets/${earlier.id}`).set(first.auth).send({ status: 'closed' }).expect(404);
    const socket = await sockets.open(first);
    expect(await request<Answer>(socket, 'ticket:join', { ticket_id: earlier.id })).toMatchObject({ ok: false, error: { error: 'not_found', status_code: 404 } });

    // What it opens is its own, over Socket.IO and REST.
    const created = await request<Answer>(socket, 'ticket:create', { title: 'Visitor chat', description: 'Hello from the widget' });
    expect(created.ok).toBe(true);
    expect(await request<Answer>(socket, 'ticket:join', { ticket_id: created.ticket_id })).toMatchObject({ ok: true });
    const rest = await t.http.post('/api/v1/tickets').set(first.auth).send({ title: 'Visitor form', description: 'Asked by the form' }).expect(201);
    expect(rest.body.client_id).toBe(contact.id);
    expect(await titles(first.auth)).toEqual(['Visitor form', 'Visitor chat']);

    // Another visit with the same address (another browser) sees none of them.
    const second = await visitor(contact.email, 'Vera Again');
    expect(await titles(second.auth)).toEqual([]);
    await t.http.get(`/api/v1/tickets/${created.ticket_id}`).set(second.auth).expect(404);
    const other = await sockets.open(second);
    expect(await request<Answer>(other, 'ticket:join', { ticket_id: created.ticket_id })).toMatchObject({ ok: false, error: { error: 'not_found' } });
    expect(await request<Answer>(other, 'message:send', { ticket_id: created.ticket_id, content: 'Me too' })).toMatchObject({ ok: false, error: { error: 'not_found' } });

    // A visitor may chat, not change the account it chats under.
    await t.http.patch('/api/v1/auth/me').set(first.auth).send({ name: 'Renamed' }).expect(403);
    await t.http.post('/api/v1/auth/password').set(first.auth).send({ current_password: 'x', new_password: NEW_PASSWORD }).expect(403);

    // The address claims the account by the mailed link: a login sees every ticket, and the visitor tokens end.
    const mails = await smtp.waitForMails((m) => m.to === contact.email, 2);
    expect(mails[0].subject).toBe('Set a password for your account');
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenIn(mails[0].text), new_password: NEW_PASSWORD }).expect(204);
    const login = await t.http.post('/api/v1/auth/login').send({ email: contact.email, password: NEW_PASSWORD }).expect(200);
    expect(await titles({ Authorization: `Bearer ${login.body.access_token}` })).toEqual(['Visitor form', 'Visitor chat', 'Earlier by e-mail']);
    await t.http.get('/api/v1/tickets').set(first.auth).expect(401);
    // Now an account with a password: no more visits under its address.
    await startVisit({ name: 'Vera', email: contact.email }).expect(409);
  });

  it('makes an unknown address a contact under the given name, which the claim link turns into an account', async () => {
    const email = `new-${Math.random().toString(36).slice(2)}@example.test`;
    const guest = await visitor(email, 'Nina New');
    const [row] = await t.db.query('SELECT name, role, password_hash FROM users WHERE email = $1', [email]);
    expect(row).toEqual({ name: 'Nina New', role: 'client', password_hash: null });
    const socket = await sockets.open(guest);
    expect(await request<Answer>(socket, 'ticket:create', { title: 'First contact', description: 'Do you ship abroad?' })).toMatchObject({ ok: true });

    const [mail] = await smtp.waitForMails((m) => m.to === email);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenIn(mail.text), new_password: NEW_PASSWORD }).expect(204);
    const login = await t.http.post('/api/v1/auth/login').send({ email, password: NEW_PASSWORD }).expect(200);
    expect(await titles({ Authorization: `Bearer ${login.body.access_token}` })).toEqual(['First contact']);
  });

  it('marks a visitor’s ticket unverified to agents, under the name the visitor gave, until the address is claimed; the visitor sees its own name, never the stored one', async () => {
    const anna = await createUser(t.db, { password: null, name: 'Anna Real' });
    const agent = await signedIn(t, { role: 'agent' });
    const bob = await visitor(anna.email, 'Bob Impostor');
    expect(bob.user.name).toBe('Bob Impostor');
    const agentSocket = await sockets.open(agent);
    type Live = { id: number; title: string; visitor: unknown };
    const announced = next<Live>(agentSocket, 'ticket:created', (ticket) => ticket.title === 'What is my address?');
    const socket = await sockets.open(bob);
    const created = await request<Answer>(socket, 'ticket:create', { title: 'What is my address?', description: 'Please read me my delivery address' });
    const id = created.ticket_id!;
    const unverified = { name: 'Bob Impostor', contact_name: 'Anna Real', verified: false };
    expect((await announced).visitor).toEqual(unverified);
    await t.http.post(`/api/v1/tickets/${id}/messages`).set(bob.auth).send({ content: 'And my phone number' }).expect(201);
    expect(await request<{ ok: boolean; message: { author_name: string } }>(socket, 'message:send', { ticket_id: id, content: 'Over the socket too' })).toMatchObject({
      ok: true,
      message: { author_name: 'Bob Impostor' },
    });
    const emailTicket = await createTicket(t.db, { clientId: anna.id, title: 'By e-mail', source: 'email' });

    // Agents: not proven, with both names, in the ticket, the list, a change's answer and the thread; the visitor's live copy has none of it.
    const customersCopy = next<Live>(socket, 'ticket:updated', (ticket) => ticket.id === id);
    const agentsCopy = next<Live>(agentSocket, 'ticket:updated', (ticket) => ticket.id === id);
    expect((await t.http.patch(`/api/v1/tickets/${id}`).set(agent.auth).send({ priority: 'high' }).expect(200)).body.visitor).toEqual(unverified);
    expect((await agentsCopy).visitor).toEqual(unverified);
    expect((await customersCopy).visitor).toBeNull();
    expect((await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body.visitor).toEqual(unverified);
    const listed = (await t.http.get(`/api/v1/tickets?client_id=${anna.id}`).set(agent.auth).expect(200)).body.items;
    expect(listed.map((i: { title: string; visitor: unknown }) => [i.title, i.visitor])).toEqual([
      ['By e-mail', null],
      ['What is my address?', unverified],
    ]);
    expect((await t.http.get(`/api/v1/tickets/${emailTicket.id}`).set(agent.auth).expect(200)).body.visitor).toBeNull();
    const names = async (auth: Record<string, string>) =>
      (await t.http.get(`/api/v1/tickets/${id}/messages`).set(auth).expect(200)).body.items.map((m: { author_name: string }) => m.author_name);
    expect(await names(agent.auth)).toEqual(['Bob Impostor', 'Bob Impostor']);

    // The visitor: its own name on its messages, and no visitor block (nor the stored name) in its answers.
    expect(await names(bob.auth)).toEqual(['Bob Impostor', 'Bob Impostor']);
    const own = await t.http.get(`/api/v1/tickets/${id}`).set(bob.auth).expect(200);
    expect(own.body.visitor).toBeNull();
    expect(JSON.stringify(own.body)).not.toContain('Anna Real');

    // A saved reply greets the visitor by the name it gave, not by the address's.
    const canned = (await t.http.post('/api/v1/canned-responses').set(agent.auth).send({ shortcut: '/hi', title: 'Hi', content: 'Hello {{customer.name}}!' }).expect(201)).body;
    const greeting = async () => (await t.http.post(`/api/v1/canned-responses/${canned.id}/render`).set(agent.auth).send({ ticket_id: id }).expect(200)).body.content;
    expect(await greeting()).toBe('Hello Bob Impostor!');
    // So does the suggested reply, to the visitor and to agents (the articles' fallback: no model in tests).
    for (const who of [bob, agent]) {
      const suggested = (await readSse(`${t.baseUrl}/api/v1/tickets/${id}/ai-response`, who.token)).events.filter((e) => e.event === 'token');
      expect(suggested.map((e) => (e.data as { text: string }).text).join('')).toMatch(/^Hello Bob Impostor,/);
    }

    // The address's owner claims the account by the mailed link: proven from then on, for the ticket she now reads.
    const [mail] = await smtp.waitForMails((m) => m.to === anna.email);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenIn(mail.text), new_password: NEW_PASSWORD }).expect(204);
    expect((await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body.visitor).toEqual({ ...unverified, verified: true });
    expect(await greeting()).toBe('Hello Anna Real!');
    const login = await t.http.post('/api/v1/auth/login').send({ email: anna.email, password: NEW_PASSWORD }).expect(200);
    const annaAuth = { Authorization: `Bearer ${login.body.access_token}` };
    expect((await t.http.get(`/api/v1/tickets/${id}`).set(annaAuth).expect(200)).body.visitor).toBeNull();
    // What was written in the visit keeps the name it was written under; she writes under her own.
    await t.http.post(`/api/v1/tickets/${id}/messages`).set(annaAuth).send({ content: 'That was not me' }).expect(201);
    expect(await names(agent.auth)).toEqual(['Bob Impostor', 'Bob Impostor', 'Anna Real']);
  });

  it('refuses the address of an account with a password, of staff and of a deactivated contact (409), and bad input (422)', async () => {
    const owner = await createUser(t.db, { name: 'Has A Password' });
    await createTicket(t.db, { clientId: owner.id, title: 'Owner only' });
    const refused = await startVisit({ name: 'Impostor', email: owner.email }).expect(409);
    expect(refused.body).toMatchObject({ status_code: 409, error: 'conflict', message: expect.stringContaining('log in'), request_id: expect.any(String) });
    expect(refused.body.access_token).toBeUndefined();
    // The owner still logs in as always.
    await t.http.post('/api/v1/auth/login').send({ email: owner.email, password: DEFAULT_PASSWORD }).expect(200);

    const agent = await createUser(t.db, { role: 'agent' });
    await startVisit({ name: 'Impostor', email: agent.email }).expect(409);
    const gone = await createUser(t.db, { password: null, isActive: false });
    await startVisit({ name: 'Impostor', email: gone.email }).expect(409);

    const bad = [{ name: 'No address' }, { email: 'not-an-address', name: 'X' }, { email: 'a@example.test', name: '   ' }, { email: 'b@example.test', name: 'X', password: 'extra' }];
    for (const [n, body] of bad.entries()) {
      const res = await startVisit(body, n + 2).expect(422);
      expect(res.body).toMatchObject({ status_code: 422, error: 'validation_failed' });
    }
  });

  it('refuses a visitor token whose visitor session is another user’s or malformed, over HTTP and at the socket handshake', async () => {
    const mine = await visitor(`mine-${Math.random().toString(36).slice(2)}@example.test`);
    const theirs = await visitor(`theirs-${Math.random().toString(36).slice(2)}@example.test`);
    const theirSession = decodeJwtPayload(theirs.token).vis;
    expect(Number.isInteger(theirSession)).toBe(true);
    for (const vis of [theirSession, 'one', null]) {
      const forged = handMadeJwt({ ...decodeJwtPayload(mine.token), vis }, t.config.jwtSecret);
      await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${forged}` }).expect(401);
      await expect(connect(t.baseUrl, forged)).rejects.toThrow('unauthorized');
    }
  });

  const renew = (visitKey: unknown) => t.http.post('/api/v1/auth/visitor/renew').send({ visit_key: visitKey });

  it('renews a visit from its key alone (no token, as after the token expired), with a new key each time; 30 days at most', async () => {
    const started = await startVisit({ name: 'Vera Visitor', email: `renew-${Math.random().toString(36).slice(2)}@example.test` }).expect(201);
    expect(started.body.visit_key).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    const guest = { Authorization: `Bearer ${started.body.access_token}` };
    const socket = await sockets.open({ token: started.body.access_token });
    expect(await request<Answer>(socket, 'ticket:create', { title: 'Long wait', description: 'Still waiting for a reply' })).toMatchObject({ ok: true });

    const renewed = await renew(started.body.visit_key).expect(200);
    expect(renewed.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: expect.any(Number), visit_key: expect.any(String) });
    expect(renewed.body.visit_key).not.toBe(started.body.visit_key);
    const fresh = { Authorization: `Bearer ${renewed.body.access_token}` };
    expect(await titles(fresh)).toEqual(['Long wait']);
    expect(decodeJwtPayload(renewed.body.access_token).vis).toBe(decodeJwtPayload(started.body.access_token).vis);
    expect(await titles(guest)).toEqual(['Long wait']); // an earlier token works until it expires

    // A made-up key renews nothing (and ends nothing: the visit goes on). A missing key is bad input.
    expect((await renew(`${decodeJwtPayload(started.body.access_token).vis}.${'A'.repeat(43)}`).expect(401)).body).toMatchObject({
      error: 'unauthorized',
      request_id: expect.any(String),
    });
    await renew('not a key').expect(401);
    expect(await titles(fresh)).toEqual(['Long wait']);
    await t.http.post('/api/v1/auth/visitor/renew').send({}).expect(422);

    // A visit 30 days old is over: the mailed link it is, and the visit's tokens stop.
    await t.db.query(`UPDATE visitor_sessions SET created_at = now() - interval '30 days' WHERE id = $1`, [decodeJwtPayload(started.body.access_token).vis]);
    const over = await renew(renewed.body.visit_key).expect(403);
    expect(over.body.message).toContain('30 days');
    await t.http.get('/api/v1/tickets').set(fresh).expect(401);
  });

  /** The visitor is back later: the visit's last renewal is moved back past the grace window for a retry (seconds). */
  const laterOn = (visitId: number) => t.db.query(`UPDATE visitor_sessions SET key_rotated_at = key_rotated_at - interval '3 minutes' WHERE id = $1`, [visitId]);
  const withoutRequestId = ({ request_id: _id, ...body }: Record<string, unknown>) => body;
  const disconnected = (socket: { once(event: 'disconnect', listener: () => void): unknown }) => new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

  it('ends the visit when a thief renewed first with a copied key and the visitor’s replaced key comes back: the thief’s token and connection stop, and the answer is that of an unknown key', async () => {
    const started = await startVisit({ name: 'Vera Visitor', email: `stolen-${Math.random().toString(36).slice(2)}@example.test` }).expect(201);
    const visitId = decodeJwtPayload(started.body.access_token).vis as number;
    const visitorSocket = await sockets.open({ token: started.body.access_token });
    expect(await request<Answer>(visitorSocket, 'ticket:create', { title: 'My order', description: 'Order 1234 has not arrived' })).toMatchObject({ ok: true });

    // The thief renews first: it holds the visit's next key and a token that reads the chat, live too.
    const thief = (await renew(started.body.visit_key).expect(200)).body;
    const thiefAuth = { Authorization: `Bearer ${thief.access_token}` };
    expect(await titles(thiefAuth)).toEqual(['My order']);
    const thiefSocket = await sockets.open({ token: thief.access_token });
    const thiefClosed = disconnected(thiefSocket);
    const visitorClosed = disconnected(visitorSocket);
    // Made-up keys for the visit (someone trying them) end nothing, and are answered so:
    const unknown = await renew(`${visitId}.${'A'.repeat(43)}`).expect(401);
    expect(await titles(thiefAuth)).toEqual(['My order']);

    // The visitor is back later and renews with the key it holds: the visit ends, for the thief first.
    await laterOn(visitId);
    const refused = await renew(started.body.visit_key).expect(401);
    expect(withoutRequestId(refused.body)).toEqual(withoutRequestId(unknown.body));
    await thiefClosed;
    await visitorClosed;
    await t.http.get('/api/v1/tickets').set(thiefAuth).expect(401);
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${started.body.access_token}` }).expect(401);
    await expect(connect(t.baseUrl, thief.access_token)).rejects.toThrow('unauthorized');
    // No key of the visit renews any more: the thief's, the visitor's, at once or later.
    await renew(thief.visit_key).expect(401);
    await renew(started.body.visit_key).expect(401);
  });

  it('answers a renewal sent again within seconds (its answer was lost) with the same new key, renewing once; two tabs renewing at once get the same key', async () => {
    const started = await startVisit({ name: 'Vera Visitor', email: `retry-${Math.random().toString(36).slice(2)}@example.test` }).expect(201);
    const first = (await renew(started.body.visit_key).expect(200)).body;
    const retried = (await renew(started.body.visit_key).expect(200)).body;
    expect(retried.visit_key).toBe(first.visit_key);
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${retried.access_token}` }).expect(200);
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${first.access_token}` }).expect(200);

    // The key both answers gave is the current one: it renews, and the visit goes on.
    const [tabA, tabB] = await Promise.all([renew(first.visit_key).expect(200), renew(first.visit_key).expect(200)]);
    expect(tabA.body.visit_key).not.toBe(first.visit_key);
    expect(tabB.body.visit_key).toBe(tabA.body.visit_key);
    const latest = (await renew(tabA.body.visit_key).expect(200)).body;
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${latest.access_token}` }).expect(200);
  });

  it('ends the visit when any older key of it comes back, even at once; after the replaced key’s seconds, that one too', async () => {
    const email = `older-${Math.random().toString(36).slice(2)}@example.test`;
    const started = await startVisit({ name: 'Vera Visitor', email }).expect(201);
    const second = (await renew(started.body.visit_key).expect(200)).body;
    const third = (await renew(second.visit_key).expect(200)).body;
    const socket = await sockets.open({ token: third.access_token });
    const closed = disconnected(socket);
    await renew(started.body.visit_key).expect(401);
    await closed;
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${third.access_token}` }).expect(401);
    for (const key of [third.visit_key, second.visit_key, started.body.visit_key]) await renew(key).expect(401);

    // The replaced key, later than a retry would come: the same.
    const other = await startVisit({ name: 'Vera Again', email }).expect(201);
    const renewed = (await renew(other.body.visit_key).expect(200)).body;
    await laterOn(decodeJwtPayload(other.body.access_token).vis as number);
    await renew(other.body.visit_key).expect(401);
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${renewed.access_token}` }).expect(401);
    await renew(renewed.visit_key).expect(401);
  });

  it('renews no visit once the address has a password (the account was claimed)', async () => {
    const email = `claimed-${Math.random().toString(36).slice(2)}@example.test`;
    const started = await startVisit({ name: 'Vera Visitor', email }).expect(201);
    const [mail] = await smtp.waitForMails((m) => m.to === email);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenIn(mail.text), new_password: NEW_PASSWORD }).expect(204);
    await renew(started.body.visit_key).expect(401);
  });

  it('ends a chat without an account: every token of the visit and its key stop at once, and its connections close', async () => {
    const email = `end-${Math.random().toString(36).slice(2)}@example.test`;
    const started = await startVisit({ name: 'Vera Visitor', email }).expect(201);
    const guest = { Authorization: `Bearer ${started.body.access_token}` };
    const socket = await sockets.open({ token: started.body.access_token });
    const created = await request<Answer>(socket, 'ticket:create', { title: 'Shared computer', description: 'At the library' });
    const renewed = await renew(started.body.visit_key).expect(200);
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    await t.http.post('/api/v1/auth/visitor/end').set(guest).expect(204);
    await closed;
    await t.http.get('/api/v1/tickets').set(guest).expect(401);
    await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${renewed.body.access_token}` }).expect(401);
    // No key of the ended visit renews: the current one, nor the one it replaced (as a retry would).
    await renew(renewed.body.visit_key).expect(401);
    await renew(started.body.visit_key).expect(401);

    // Only a visitor ends a visit; the conversation stays with the account, for whoever claims it.
    const customer = await createUser(t.db);
    const login = await t.http.post('/api/v1/auth/login').send({ email: customer.email, password: DEFAULT_PASSWORD }).expect(200);
    await t.http.post('/api/v1/auth/visitor/end').set({ Authorization: `Bearer ${login.body.access_token}` }).expect(403);
    const [mail] = await smtp.waitForMails((m) => m.to === email);
    await t.http.post('/api/v1/auth/password-reset/confirm').send({ token: tokenIn(mail.text), new_password: NEW_PASSWORD }).expect(204);
    const owner = await t.http.post('/api/v1/auth/login').send({ email, password: NEW_PASSWORD }).expect(200);
    expect((await t.http.get(`/api/v1/tickets/${created.ticket_id}`).set({ Authorization: `Bearer ${owner.body.access_token}` }).expect(200)).body.title).toBe('Shared computer');
  });

  it('counts against the signup limit per IP address', async () => {
    for (let n = 0; n < 3; n += 1) await visitor(`burst${n}-${ip}@example.test`);
    await t.http.post('/api/v1/auth/signup').set('X-Forwarded-For', from()).send({ email: `burst-s-${ip}@example.test`, password: DEFAULT_PASSWORD, name: 'S' }).expect(201);
    const limited = await startVisit({ name: 'One more', email: `burst9-${ip}@example.test` }).expect(429);
    expect(limited.body.details).toEqual([expect.objectContaining({ policy: 'signup-ip', limit: 4 })]);
  });
});

describe('a visit over two instances', () => {
  let a: TestApp;
  let b: TestApp;
  const { open } = twoInstances({}, (first, second) => {
    a = first;
    b = second;
  });
  const bearer = (visit: { access_token: string }) => ({ Authorization: `Bearer ${visit.access_token}` });

  it('ends on every instance at once: its tokens are refused and its connections close; another visit of the address goes on', async () => {
    const email = `two-${Math.random().toString(36).slice(2)}@example.test`;
    const ended = (await a.http.post('/api/v1/auth/visitor').send({ name: 'Ending', email }).expect(201)).body;
    const other = (await a.http.post('/api/v1/auth/visitor').send({ name: 'Staying', email }).expect(201)).body;
    // A second token of the visit, which B now holds in its cache; the visit is ended with the first, on A.
    const renewed = (await b.http.post('/api/v1/auth/visitor/renew').send({ visit_key: ended.visit_key }).expect(200)).body;
    await b.http.get('/api/v1/tickets').set(bearer(renewed)).expect(200);
    const endedOnB = await open(b, renewed.access_token);
    const otherOnB = await open(b, other.access_token);
    const closed = new Promise<void>((resolve) => endedOnB.once('disconnect', () => resolve()));

    await a.http.post('/api/v1/auth/visitor/end').set(bearer(ended)).expect(204);
    await closed;
    await waitFor(async () => (await b.http.get('/api/v1/tickets').set(bearer(renewed))).status === 401);

    expect(otherOnB.connected).toBe(true);
    expect(await request<Answer>(otherOnB, 'ticket:create', { title: 'Still here', description: 'The other visit goes on' })).toMatchObject({ ok: true });
    await b.http.get('/api/v1/tickets').set(bearer(other)).expect(200);
  });

  it('ends on every instance when a replaced key comes back: the thief renewed on one, the visitor’s key returns on the other', async () => {
    const started = (await a.http.post('/api/v1/auth/visitor').send({ name: 'Vera', email: `two-stolen-${Math.random().toString(36).slice(2)}@example.test` }).expect(201)).body;
    const thief = (await a.http.post('/api/v1/auth/visitor/renew').send({ visit_key: started.visit_key }).expect(200)).body;
    await a.http.get('/api/v1/tickets').set(bearer(thief)).expect(200);
    const thiefOnA = await open(a, thief.access_token);
    const closed = new Promise<void>((resolve) => thiefOnA.once('disconnect', () => resolve()));
    // Later than a retry would come (seconds), the visitor's key reaches B.
    await b.db.query(`UPDATE visitor_sessions SET key_rotated_at = key_rotated_at - interval '3 minutes' WHERE id = $1`, [decodeJwtPayload(started.access_token).vis]);

    await b.http.post('/api/v1/auth/visitor/renew').send({ visit_key: started.visit_key }).expect(401);
    await closed;
    await waitFor(async () => (await a.http.get('/api/v1/tickets').set(bearer(thief))).status === 401);
    await a.http.post('/api/v1/auth/visitor/renew').send({ visit_key: thief.visit_key }).expect(401);
  });
});

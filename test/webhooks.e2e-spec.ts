import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { OutboxService } from '#src/modules/outbox/outbox.service.js';
import { SlaMonitorService } from '#src/modules/sla/sla-monitor.service.js';
import { WebhookDeliveryService } from '#src/modules/webhooks/webhook-delivery.service.js';
import { ForbiddenDestinationError, postOnce } from '#src/modules/webhooks/webhook.client.js';
import { createUser, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { waitFor } from './utils/wait.js';
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from './utils/webhook-receiver.js';

const HOUR_MS = 3_600_000;

interface Delivery {
  id: number;
  idempotency_key: string;
  event_type: string;
  ticket_id: number | null;
  status: string;
  attempts: number;
  response_code: number | null;
  duration_ms: number | null;
  last_error: string | null;
}

/**
 * Webhooks (issue 16) against real HTTP receivers on loopback: Standard Webhooks signatures checked
 * with the `standardwebhooks` package, retries with the same webhook-id, order per ticket through an
 * outage, giving up and disabling, and the refusal of private addresses (with WEBHOOK_ALLOW_PRIVATE unset).
 */
describe('webhooks', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let agent: SignedInUser;
  let client: SignedInUser;
  let outbox: OutboxService;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false', WEBHOOK_DISABLE_AFTER_FAILURES: '1' });
    outbox = t.app.get(OutboxService);
    [admin, agent, client] = await Promise.all([signedIn(t, { role: 'admin' }), signedIn(t, { role: 'agent', name: 'Alex Agent' }), signedIn(t)]);
  });
  afterEach(async () => {
    // Each test's endpoints go, so no test's deliveries reach another's receiver.
    await t.db.query('DELETE FROM webhook_endpoints');
    await t.app.get(WebhookDeliveryService).refreshSubscriptions();
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await t.close();
  });

  const receiver = async () => {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  };
  const register = async (url: string, events: string[]) =>
    (await t.http.post('/api/v1/webhooks').set(admin.auth).send({ url, events }).expect(201)).body as { id: number; secret: string };
  const openTicket = async (title = 'Printer on fire') =>
    (await t.http.post('/api/v1/tickets').set(client.auth).send({ title, description: 'Smoke everywhere' }).expect(201)).body as { id: number };
  const deliveries = async (endpointId: number): Promise<Delivery[]> =>
    ((await t.http.get(`/api/v1/webhooks/${endpointId}/deliveries?limit=100`).set(admin.auth).expect(200)).body as { items: Delivery[] }).items;
  const verify = (secret: string, hook: ReceivedHook) =>
    new Webhook(secret).verify(hook.raw, hook.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };

  it('registers, lists, changes and removes endpoints; the secret is shown once', async () => {
    const created = await t.http
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'http://127.0.0.1:9/hooks', events: ['TICKET.CREATED', 'ticket.created', 'rating.created'] })
      .expect(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hooks', events: ['ticket.created', 'rating.created'], active: true, consecutive_failures: 0 });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const listed = await t.http.get('/api/v1/webhooks').set(admin.auth).expect(200);
    expect(listed.body).toEqual({ items: [expect.objectContaining({ id: created.body.id })], next_cursor: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const changed = await t.http.patch(`/api/v1/webhooks/${created.body.id}`).set(admin.auth).send({ events: ['message.created'], active: false }).expect(200);
    expect(changed.body).toMatchObject({ events: ['message.created'], active: false });
    expect(changed.body).not.toHaveProperty('secret');

    const bad = await t.http.post('/api/v1/webhooks').set(admin.auth).send({ url: 'ftp://example.com/', events: ['ticket.exploded'] }).expect(422);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['events', 'url']);
    await t.http.post('/api/v1/webhooks').set(agent.auth).send({ url: 'http://127.0.0.1:9/', events: ['ticket.created'] }).expect(403);

    await t.http.delete(`/api/v1/webhooks/${created.body.id}`).set(admin.auth).expect(204);
    await t.http.get(`/api/v1/webhooks/${created.body.id}/deliveries`).set(admin.auth).expect(404);
  });

  it('tells a receiver that a ticket came from a chat without an account, unproven, with the name the visitor gave', async () => {
    const r = await receiver();
    const endpoint = await register(r.url(), ['ticket.created', 'message.created']);
    const contact = await createUser(t.db, { password: null, name: 'Anna Real' });
    const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Bob Visitor', email: contact.email }).expect(201);
    const auth = { Authorization: `Bearer ${visit.body.access_token}` };
    const ticket = (await t.http.post('/api/v1/tickets').set(auth).send({ title: 'Read me my address', description: 'Where do you ship to?' }).expect(201)).body as { id: number };
    await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(auth).send({ content: 'Quickly please' }).expect(201);

    const [created, message] = await r.waitFor(() => true, 2);
    const visitor = { name: 'Bob Visitor', contact_name: 'Anna Real', verified: false };
    expect(verify(endpoint.secret, created)).toMatchObject({ type: 'ticket.created', data: { ticket: { id: ticket.id, visitor } } });
    expect(verify(endpoint.secret, message)).toMatchObject({ type: 'message.created', data: { message: { author_name: 'Bob Visitor' }, ticket: { id: ticket.id, visitor } } });
  });

  it('signs each delivery so that the standardwebhooks package verifies it, and logs it', async () => {
    const r = await receiver();
    const endpoint = await register(r.url(), ['ticket.created', 'message.created']);
    const ticket = await openTicket();
    await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(agent.auth).send({ content: 'On my way' }).expect(201);

    const [created, message] = await r.waitFor(() => true, 2);
    expect(verify(endpoint.secret, created)).toMatchObject({ type: 'ticket.created', data: { ticket: { id: ticket.id, title: 'Printer on fire' } } });
    expect(verify(endpoint.secret, message)).toMatchObject({ type: 'message.created', data: { message: { content: 'On my way', author_type: 'agent' }, ticket: { id: ticket.id } } });
    expect(created.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(created.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Date(created.body.timestamp).getTime()).not.toBeNaN();
    // Another secret does not verify it.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(created.raw, created.headers as Record<string, string>)).toThrow();

    await waitFor(async () => (await deliveries(endpoint.id)).every((d) => d.status === 'delivered'));
    const log = await deliveries(endpoint.id);
    expect(log.map((d) => d.event_type)).toEqual(['message.created', 'ticket.created']);
    expect(log[1]).toMatchObject({ idempotency_key: created.headers['webhook-id'], ticket_id: ticket.id, attempts: 1, response_code: 200, last_error: null });
    expect(log[1].duration_ms).toEqual(expect.any(Number));
  });

  it('retries a 500 within 10 s with the same webhook-id, and delivers once', async () => {
    const r = await receiver();
    r.answerWith(500);
    const endpoint = await register(r.url(), ['ticket.created']);
    const ticket = await openTicket('Retry me');
    await waitFor(async () => (await deliveries(endpoint.id))[0]?.attempts === 1);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', response_code: 500, last_error: 'The receiver answered 500' });
    const [row] = (await t.db.query(
      `SELECT next_attempt_at - now() <= interval '10 seconds' AS soon FROM outbox WHERE topic = 'webhook' AND payload->>'delivery_id' = $1`,
      [String((await deliveries(endpoint.id))[0].id)],
    )) as { soon: boolean }[];
    expect(row.soon).toBe(true);

    expect((await outbox.drain(new Date(Date.now() + 60_000))).sent).toBe(1);
    expect(r.received.map((h) => h.status)).toEqual([500, 200]);
    expect(r.received[1].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
    expect(verify(endpoint.secret, r.received[1])).toMatchObject({ type: 'ticket.created', data: { ticket: { id: ticket.id } } });
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, response_code: 200, last_error: null });

    await outbox.drain(new Date(Date.now() + 48 * HOUR_MS));
    expect(r.received).toHaveLength(2);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const r = await receiver();
    r.answerWith(302);
    const endpoint = await register(r.url(), ['ticket.created']);
    await openTicket('Moved');
    await waitFor(async () => (await deliveries(endpoint.id))[0]?.attempts === 1);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', response_code: 302, last_error: expect.stringContaining('redirects are not followed') });
    expect(r.received.map((h) => h.status)).toEqual([302]);
  });

  it('gives every event of a ticket, in order and once, to a receiver that was down, without holding up another endpoint', async () => {
    const down = await receiver();
    const up = await receiver();
    const events = ['ticket.created', 'ticket.updated', 'message.created'];
    const late = await register(down.url(), events);
    await register(up.url(), events);
    await down.stop();

    const ticket = await openTicket('Outage');
    await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).send({ content: 'first' }).expect(201);
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ priority: 'high' }).expect(200);
    await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).send({ content: 'second' }).expect(201);
    const expected = ['ticket.created', 'message.created:first', 'ticket.updated', 'message.created:second'];
    const label = (h: ReceivedHook) => (h.body.type === 'message.created' ? `message.created:${(h.body.data.message as { content: string }).content}` : h.body.type);

    // The healthy endpoint has them all meanwhile; the down one tried only the first and holds the rest back.
    expect((await up.waitFor(() => true, 4)).map(label)).toEqual(expected);
    await waitFor(async () => (await deliveries(late.id)).some((d) => d.attempts >= 1));
    await outbox.drain(new Date(Date.now() + HOUR_MS));
    const waiting = (await deliveries(late.id)).reverse();
    expect(waiting.map((d) => [d.event_type, d.status, d.attempts > 0])).toEqual([
      ['ticket.created', 'pending', true],
      ['message.created', 'pending', false],
      ['ticket.updated', 'pending', false],
      ['message.created', 'pending', false],
    ]);

    await down.start();
    expect((await outbox.drain(new Date(Date.now() + 2 * HOUR_MS))).sent).toBe(4);
    expect(down.received.map(label)).toEqual(expected);
    expect(new Set(down.received.map((h) => h.headers['webhook-id'])).size).toBe(4);
    for (const hook of down.received) expect(() => verify(late.secret, hook)).not.toThrow();
    expect((await deliveries(late.id)).every((d) => d.status === 'delivered')).toBe(true);
    expect(up.received).toHaveLength(4);
  });

  it('marks a delivery failed after about a day of retries, disables the endpoint, and then sends it nothing', async () => {
    const r = await receiver();
    const endpoint = await register(r.url(), ['ticket.created']);
    await r.stop();
    await openTicket('Nobody listens');
    await waitFor(async () => (await deliveries(endpoint.id))[0]?.attempts === 1);
    for (let round = 1; (await deliveries(endpoint.id))[0].status === 'pending'; round++) {
      expect(round).toBeLessThan(30);
      await outbox.drain(new Date(Date.now() + round * 7 * HOUR_MS));
    }
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'failed', attempts: 16, response_code: null, last_error: expect.stringMatching(/ECONNREFUSED/) });
    const [dead] = (await t.db.query(`SELECT status FROM outbox WHERE topic = 'webhook' ORDER BY id DESC LIMIT 1`)) as { status: string }[];
    expect(dead.status).toBe('dead');
    const after = await t.http.get(`/api/v1/webhooks/${endpoint.id}`).set(admin.auth).expect(200);
    expect(after.body).toMatchObject({ active: false, consecutive_failures: 1, disabled_at: expect.any(String) });

    await r.start();
    await openTicket('Not sent');
    expect(await deliveries(endpoint.id)).toHaveLength(1);
    // Turned on again, it gets new events.
    await t.http.patch(`/api/v1/webhooks/${endpoint.id}`).set(admin.auth).send({ active: true }).expect(200);
    await openTicket('Sent again');
    expect((await r.waitFor(() => true))[0].body.data).toMatchObject({ ticket: { title: 'Sent again' } });
  });

  it('sends a test event on request, and the SLA job and assignments raise theirs', async () => {
    const r = await receiver();
    const endpoint = await register(r.url(), ['ticket.assigned', 'sla.breached']);
    const queued = await t.http.post(`/api/v1/webhooks/${endpoint.id}/test`).set(admin.auth).expect(202);
    expect(queued.body).toMatchObject({ event_type: 'webhook.test', status: 'pending', attempts: 0 });
    const [test] = await r.waitFor((h) => h.body.type === 'webhook.test');
    expect(verify(endpoint.secret, test)).toMatchObject({ data: { webhook: { id: endpoint.id } } });

    const ticket = await openTicket('Slow one');
    await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
    const [assigned] = await r.waitFor((h) => h.body.type === 'ticket.assigned');
    expect(assigned.body.data).toMatchObject({ agent_id: agent.user.id, previous_agent_id: null, ticket: { id: ticket.id } });

    await t.app.get(SlaMonitorService).run(new Date(Date.now() + 60 * 24 * HOUR_MS));
    // Assigned, so in progress, but never answered: the first-response clock ran on, and both breach.
    const breaches = await r.waitFor((h) => h.body.type === 'sla.breached' && h.body.data.ticket_id === ticket.id, 2);
    const kinds = breaches.map((breach) => String(verify(endpoint.secret, breach).data.kind)).sort();
    expect(kinds).toEqual(['frt', 'ttr']);
    expect(breaches[0].body.data).toMatchObject({ ticket_id: ticket.id, deadline: expect.any(String), minutes_left: expect.any(Number) });
  });

  it('tells of the changes an SLA escalation makes: ticket.updated and ticket.assigned', async () => {
    const r = await receiver();
    await register(r.url(), ['ticket.updated', 'ticket.assigned']);
    const [{ id: billing }] = await t.db.query(`SELECT id FROM queues WHERE name = 'Billing'`);
    const policies = (await t.http.get('/api/v1/sla/policies').set(admin.auth).expect(200)).body.items as { priority: string; frt_minutes: number; ttr_minutes: number }[];
    const { frt_minutes, ttr_minutes } = policies.find((policy) => policy.priority === 'low')!;
    await t.http.put('/api/v1/sla/policies/low').set(admin.auth).send({ frt_minutes: 240, ttr_minutes: 1440, escalation: { raise_priority: true, unassign: true, queue_id: billing } }).expect(200);
    try {
      const ticket = (await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Escalate me', description: 'Nobody answers', priority: 'low' }).expect(201)).body as { id: number };
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'open' }).expect(200);
      await r.waitFor((h) => h.body.type === 'ticket.assigned' && (h.body.data.ticket as { id: number }).id === ticket.id);

      await t.app.get(SlaMonitorService).run(new Date(Date.now() + 5 * HOUR_MS));
      const [updated] = await r.waitFor((h) => h.body.type === 'ticket.updated' && (h.body.data.ticket as { priority: string }).priority === 'medium');
      expect(updated.body.data).toMatchObject({ ticket: { id: ticket.id, queue_id: billing, agent_id: null }, changes: expect.arrayContaining(['priority', 'queue_id']) });
      const [unassigned] = await r.waitFor((h) => h.body.type === 'ticket.assigned' && (h.body.data.ticket as { agent_id: number | null }).agent_id === null);
      expect(unassigned.body.data).toMatchObject({ ticket: { id: ticket.id }, agent_id: null, previous_agent_id: agent.user.id });
    } finally {
      await t.http.put('/api/v1/sla/policies/low').set(admin.auth).send({ frt_minutes, ttr_minutes, escalation: { raise_priority: false, unassign: false, queue_id: null } }).expect(200);
    }
  });

  it('gives an endpoint registered on one instance the events raised on another at once, not after the periodic refresh', async () => {
    const r = await receiver();
    const second = await createTestApp({ AUTO_ASSIGN: 'false' }, t.database);
    try {
      const deliveries = second.app.get(WebhookDeliveryService);
      expect(deliveries.isSubscribed('ticket.created')).toBe(false);
      await register(r.url(), ['ticket.created']);
      // Told by NOTIFY: well within the 15 s refresh.
      await waitFor(() => deliveries.isSubscribed('ticket.created'), 3000);
      const created = (await second.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Raised elsewhere', description: 'On the second instance' }).expect(201)).body as { id: number };
      const [hook] = await r.waitFor((h) => h.body.type === 'ticket.created');
      expect(hook.body.data).toMatchObject({ ticket: { id: created.id } });
    } finally {
      await second.close();
    }
  });

  it("sends rating.created when a customer rates a resolved ticket, and ticket.updated for the resolution", async () => {
    const r = await receiver();
    const endpoint = await register(r.url(), ['rating.created', 'ticket.updated']);
    const ticket = await openTicket('Rate me');
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
    const [updated] = await r.waitFor((h) => h.body.type === 'ticket.updated' && (h.body.data.ticket as { id: number }).id === ticket.id);
    expect(updated.body.data).toMatchObject({ ticket: { status: 'resolved' }, changes: expect.arrayContaining(['status']) });

    await t.http.post(`/api/v1/tickets/${ticket.id}/rating`).set(client.auth).send({ score: 4, comment: 'Quick' }).expect(201);
    const [rated] = await r.waitFor((h) => h.body.type === 'rating.created');
    expect(verify(endpoint.secret, rated)).toMatchObject({ data: { rating: { ticket_id: ticket.id, score: 4, comment: 'Quick', client_id: client.user.id } } });
  });
});

describe('webhooks without WEBHOOK_ALLOW_PRIVATE', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let r: WebhookReceiver;

  beforeAll(async () => {
    r = await startWebhookReceiver();
    t = await createTestApp({ AUTO_ASSIGN: 'false', WEBHOOK_ALLOW_PRIVATE: undefined });
    admin = await signedIn(t, { role: 'admin' });
  });
  afterAll(async () => {
    await t.close();
    await r.stop();
  });

  it.each([
    ['a loopback address', () => r.url()],
    ['a host name that resolves to loopback', () => `http://localhost:${r.portNumber}/hooks`],
    ['an IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${r.portNumber}/`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', () => 'https://10.0.0.7/hooks'],
  ])('refuses to register %s (422 naming url)', async (_, url) => {
    const res = await t.http.post('/api/v1/webhooks').set(admin.auth).send({ url: url(), events: ['ticket.created'] }).expect(422);
    expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'url' }] });
  });

  it.each([
    ['an address', () => r.url()],
    ['a host name', () => `http://localhost:${r.portNumber}/hooks`],
  ])('refuses to deliver to a private %s that got in before the check', async (_, url) => {
    // An endpoint stored before the rule (or whose name began resolving to a private address since).
    const [{ id }] = (await t.db.query(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, '{ticket.created}', $2) RETURNING id`, [
      url(),
      `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
    ])) as { id: number }[];
    await t.http.post(`/api/v1/webhooks/${id}/test`).set(admin.auth).expect(202);
    await waitFor(async () => {
      const [d] = ((await t.http.get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth).expect(200)).body as { items: Delivery[] }).items;
      return d.attempts === 1;
    });
    const [d] = ((await t.http.get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth).expect(200)).body as { items: Delivery[] }).items;
    expect(d).toMatchObject({ status: 'pending', response_code: null, last_error: expect.stringContaining('may not reach') });
    expect(r.received).toHaveLength(0);
  });
});

describe('the webhook HTTP client', () => {
  it('gives an attempt up when the receiver does not answer in time', async () => {
    const server = createServer(() => undefined); // takes the request, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`);
      await expect(postOnce(url, '{}', { headers: {}, timeoutMs: 300, allowPrivate: true })).rejects.toThrow('No answer within 300 ms');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a name that resolves to loopback before connecting, unless private addresses are allowed', async () => {
    const r = await startWebhookReceiver();
    try {
      const url = new URL(`http://localhost:${r.portNumber}/hooks`);
      await expect(postOnce(url, '{}', { headers: {}, timeoutMs: 5000, allowPrivate: false })).rejects.toThrow(ForbiddenDestinationError);
      expect(r.received).toHaveLength(0);
      expect(await postOnce(url, '{}', { headers: {}, timeoutMs: 5000, allowPrivate: true })).toBe(200);
    } finally {
      await r.stop();
    }
  });
});

import { EventEmitter2 } from '@nestjs/event-emitter';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { collect, connect, disconnected, next, socketPool } from './utils/socket.js';
import { waitFor } from './utils/wait.js';
import { AssignmentCron } from '#src/modules/tickets/assignment.cron.js';
import { AdvisoryLock } from '#src/common/database/advisory-locks.js';

describe('automatic assignment', () => {
  let t: TestApp;
  let client: SignedInUser;
  let queueId: number;

  beforeEach(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'true', AGENT_CAPACITY: '2' });
    client = await signedIn(t);
    [{ id: queueId }] = await t.db.query(`SELECT id FROM queues WHERE name = 'Billing'`);
  });
  afterEach(() => t.close());

  const open = (title = 'Help') => t.http.post('/api/v1/tickets').set(client.auth).send({ title, description: 'Details of the problem', queue_id: queueId }).expect(201);

  it('gives a new ticket to the agent with the fewest active tickets in its queue', async () => {
    const busy = await signedIn(t, { role: 'agent' });
    const calm = await signedIn(t, { role: 'agent' });
    await createTicket(t.db, { agentId: busy.user.id, queueId });
    // Tickets elsewhere or finished do not count against the queue.
    await createTicket(t.db, { agentId: calm.user.id, queueId: null });
    await createTicket(t.db, { agentId: calm.user.id, queueId, status: 'resolved', resolvedAt: new Date() });
    const res = await open();
    expect(res.body.agent_id).toBe(calm.user.id);
    // Given out in the request that opens it, a ticket stays open: the contract answers a new ticket
    // `status: "open"` (later hand-outs move it to in_progress, see test/conveniences.e2e-spec.ts).
    expect(res.body.status).toBe('open');
    const history = await t.http.get(`/api/v1/tickets/${res.body.id}/history`).set(calm.auth).expect(200);
    expect(history.body.items.map((e: { type: string; actor_id: number | null; from: string | null; to: string | null }) => [e.type, e.actor_id, e.from, e.to])).toEqual([
      ['created', client.user.id, null, 'open'],
      ['assignment', null, null, String(calm.user.id)],
    ]);
  });

  const agentOf = async (ticketId: number): Promise<number | null> =>
    (await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [ticketId]))[0].agent_id;

  it('gives waiting tickets, oldest first, to an agent an admin creates or re-activates', async () => {
    const admin = await signedIn(t, { role: 'admin' });
    const first = (await open('first')).body;
    const second = (await open('second')).body;
    const third = (await open('third')).body;
    expect([first.agent_id, second.agent_id, third.agent_id]).toEqual([null, null, null]);
    const created = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ email: 'new-agent@example.test', password: 'agent-password', name: 'New', role: 'agent' })
      .expect(201);
    await waitFor(async () => (await agentOf(second.id)) !== null);
    expect([await agentOf(first.id), await agentOf(second.id), await agentOf(third.id)]).toEqual([created.body.id, created.body.id, null]);

    const returning = await signedIn(t, { role: 'agent', isActive: false });
    await t.http.patch(`/api/v1/users/${returning.user.id}`).set(admin.auth).send({ is_active: true }).expect(200);
    await waitFor(async () => (await agentOf(third.id)) === returning.user.id);
  });

  it('keeps a ticket a person unassigned out of the pool, and gives the freed slot to a waiting ticket', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const first = (await open('first')).body;
    const second = (await open('second')).body;
    const waiting = (await open('waiting')).body;
    expect([first.agent_id, second.agent_id, waiting.agent_id]).toEqual([agent.user.id, agent.user.id, null]);
    await t.http.post(`/api/v1/tickets/${first.id}/assign`).set(agent.auth).send({ agent_id: null }).expect(200);
    expect(await agentOf(waiting.id)).toBe(agent.user.id);
    // A second agent with room appears: the unassigned ticket still waits for a person.
    await signedIn(t, { role: 'agent' });
    await t.app.get(AssignmentCron).giveOutWaitingTickets();
    expect(await agentOf(first.id)).toBeNull();
    // Reopening puts it back in the pool.
    await t.http.patch(`/api/v1/tickets/${first.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
    const reopened = await t.http.patch(`/api/v1/tickets/${first.id}`).set(agent.auth).send({ status: 'open' }).expect(200);
    expect(reopened.body.agent_id).not.toBeNull();
  });

  it('gives out, on the periodic sweep, tickets that no event announced', async () => {
    const first = (await open('waiting')).body;
    expect(first.agent_id).toBeNull();
    // An agent who appeared without the service being told (e.g. imported straight into the database).
    const agent = await signedIn(t, { role: 'agent' });
    expect(await agentOf(first.id)).toBeNull();
    await t.app.get(AssignmentCron).giveOutWaitingTickets();
    expect(await agentOf(first.id)).toBe(agent.user.id);
  });

  it('breaks ties by who waited longest since their last assignment', async () => {
    const recent = await signedIn(t, { role: 'agent' });
    const idle = await signedIn(t, { role: 'agent' });
    const done = await createTicket(t.db, { status: 'closed', resolvedAt: new Date(), closedAt: new Date() });
    const assignedAgo = (agentId: number, minutes: number) =>
      t.db.query(`INSERT INTO ticket_events (ticket_id, type, to_value, created_at) VALUES ($1, 'assignment', $2, now() - make_interval(mins => $3))`, [
        done.id,
        String(agentId),
        minutes,
      ]);
    await assignedAgo(recent.user.id, 1);
    await assignedAgo(idle.user.id, 90);
    const res = await open();
    expect(res.body.agent_id).toBe(idle.user.id);
  });

  it('passes over offline admins and inactive agents, and leaves tickets unassigned with no one to take them', async () => {
    await signedIn(t, { role: 'admin' });
    await signedIn(t, { role: 'agent', isActive: false });
    const res = await open();
    expect(res.body.agent_id).toBeNull();
    await t.app.get(AssignmentCron).giveOutWaitingTickets();
    expect(await agentOf(res.body.id)).toBeNull();
  });

  describe('admins (an admin can do all an agent can)', () => {
    const sockets = socketPool(() => t.baseUrl);
    afterEach(() => sockets.closeAll());

    const online = async (user: SignedInUser) => {
      const socket = await sockets.open(user);
      await waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence WHERE user_id = $1', [user.user.id])).length > 0);
      return socket;
    };

    it('gives a new ticket to an online admin when there is no agent, who gets ticket:assigned', async () => {
      const admin = await signedIn(t, { role: 'admin' });
      const socket = await online(admin);
      const assigned = collect<{ id: number; agent_id: number }>(socket, 'ticket:assigned');
      const res = await open();
      expect(res.body.agent_id).toBe(admin.user.id);
      await waitFor(() => assigned.some((ticket) => ticket.id === res.body.id));
      expect(assigned.find((ticket) => ticket.id === res.body.id)).toMatchObject({ agent_id: admin.user.id });
    });

    it('never gives a ticket to an admin who is not connected, and gives the waiting ones out when it connects', async () => {
      const admin = await signedIn(t, { role: 'admin' });
      const socket = await online(admin);
      socket.close();
      await disconnected(socket);
      await waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence WHERE user_id = $1', [admin.user.id])).length === 0);
      const waiting = await open('while the admin was away');
      expect(waiting.body.agent_id).toBeNull();
      await t.app.get(AssignmentCron).giveOutWaitingTickets();
      expect(await agentOf(waiting.body.id)).toBeNull();

      // Connecting makes the admin a candidate at once, as it does an agent: the waiting ticket goes to it.
      const again = await sockets.open(admin);
      const assigned = await next<{ id: number; agent_id: number }>(again, 'ticket:assigned', (ticket) => ticket.id === waiting.body.id);
      expect(assigned.agent_id).toBe(admin.user.id);
    });

    it('gives an online admin tickets only once the agents are full, each up to AGENT_CAPACITY', async () => {
      const agent = await signedIn(t, { role: 'agent' });
      const admin = await signedIn(t, { role: 'admin' });
      await online(agent);
      await online(admin);
      const given = [];
      for (const title of ['one', 'two', 'three', 'four', 'five']) given.push((await open(title)).body.agent_id as number | null);
      // The agent first, up to AGENT_CAPACITY (2 here); then the admin, up to it too; the fifth waits.
      expect(given).toEqual([agent.user.id, agent.user.id, admin.user.id, admin.user.id, null]);
    });

    it('gives a ticket to an offline agent with room before an online admin: an admin at the console is not handed the agents’ work', async () => {
      const offline = await signedIn(t, { role: 'agent' });
      const admin = await signedIn(t, { role: 'admin' });
      await online(admin);
      const res = await open();
      expect(res.body.agent_id).toBe(offline.user.id);
    });
  });

  it('holds tickets while everyone is at capacity and gives them out oldest first as slots free', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const one = await open('one');
    const two = await open('two');
    expect([one.body.agent_id, two.body.agent_id]).toEqual([agent.user.id, agent.user.id]);
    const waitingOld = await open('three');
    const waitingNew = await open('four');
    expect([waitingOld.body.agent_id, waitingNew.body.agent_id]).toEqual([null, null]);

    await t.http.patch(`/api/v1/tickets/${one.body.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
    const [old] = await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [waitingOld.body.id]);
    const [young] = await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [waitingNew.body.id]);
    expect(old.agent_id).toBe(agent.user.id);
    expect(young.agent_id).toBeNull();

    // Reassigning a ticket away frees a slot too.
    const helper = await signedIn(t, { role: 'agent' });
    await t.http.post(`/api/v1/tickets/${two.body.id}/assign`).set(agent.auth).send({ agent_id: helper.user.id }).expect(200);
    const [later] = await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [waitingNew.body.id]);
    expect([agent.user.id, helper.user.id]).toContain(later.agent_id);
  });

  it('never exceeds capacity when tickets arrive at once', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => open(`burst ${i}`)));
    expect(results.filter((r) => r.body.agent_id === agent.user.id)).toHaveLength(2);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM tickets WHERE agent_id = $1`, [agent.user.id]);
    expect(count).toBe(2);
  });

  it('gives out a reopened unassigned ticket', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: client.user.id, status: 'resolved', resolvedAt: new Date(), queueId });
    const res = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'open' }).expect(200);
    expect(res.body.agent_id).toBe(agent.user.id);
  });

  it('prefers an agent who is online in the live chat', async () => {
    const offline = await signedIn(t, { role: 'agent' });
    const online = await signedIn(t, { role: 'agent' });
    await createTicket(t.db, { agentId: online.user.id, queueId });
    const socket = await connect(t.baseUrl, online.token);
    try {
      await waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence WHERE user_id = $1', [online.user.id])).length > 0);
      const res = await open();
      expect(res.body.agent_id).toBe(online.user.id);
      expect(res.body.agent_id).not.toBe(offline.user.id);
    } finally {
      socket.close();
    }
  });

  it('answers a new ticket with its agent when a hand-out of waiting tickets gave it out first', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    // The test holds the assignment lock, as a hand-out of waiting tickets (an agent connecting, the
    // sweep) would: the request commits its ticket, then waits for the lock; the "hand-out" gives
    // the ticket to the agent and lets go. The answer must show the ticket as it stands.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.ASSIGNMENT]);
      const pending = open('raced').then((res) => res); // supertest sends on then()
      await waitFor(async () => {
        const [{ waiting }] = await t.db.query(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return waiting > 0;
      });
      await runner.query(`UPDATE tickets SET agent_id = $1 WHERE title = 'raced'`, [agent.user.id]);
      await runner.commitTransaction();
      const res = await pending;
      expect(res.body.agent_id).toBe(agent.user.id);
    } finally {
      await runner.release();
    }
  });

  it('publishes ticket.assigned with the chosen agent', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const seen: { agentId: number | null; ticketId: number }[] = [];
    const listener = (e: { agentId: number | null; ticket: { id: number } }) => seen.push({ agentId: e.agentId, ticketId: e.ticket.id });
    t.app.get(EventEmitter2).on('ticket.assigned', listener);
    const res = await open();
    expect(seen).toEqual([{ agentId: agent.user.id, ticketId: res.body.id }]);
  });
});

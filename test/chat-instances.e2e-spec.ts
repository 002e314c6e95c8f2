import { createTicket } from './factories/tickets.factory.js';
import { signedIn } from './factories/users.factory.js';
import { sharedBackends, type TestApp } from './utils/create-test-app.js';
import { next, request } from './utils/socket.js';
import { waitFor } from './utils/wait.js';
import { twoInstances } from './utils/two-instances.js';

type Message = { id: number; content: string; author_id: number };

/** Two instances over one database behave as one, on the PostgreSQL adapter and (with REDIS_URL) the Redis one. */
describe.each(sharedBackends('PostgreSQL adapter', 'Redis adapter'))('two instances, %s', (_, env) => {
  let a: TestApp;
  let b: TestApp;
  const { open } = twoInstances({ AUTO_ASSIGN: 'false', ...env }, (first, second) => {
    a = first;
    b = second;
  });


  it('a customer on A and an agent on B chat, and assignment on A reaches the agent on B', async () => {
    const customer = await signedIn(a);
    const agent = await signedIn(a, { role: 'agent' });
    const onA = await open(a, customer.token);
    const onB = await open(b, agent.token);

    const announced = next<{ id: number }>(onB, 'ticket:created');
    const created = await request<{ ok: boolean; ticket_id: number }>(onA, 'ticket:create', { title: 'Across instances', description: 'Details of the problem' });
    expect(created.ok).toBe(true);
    expect((await announced).id).toBe(created.ticket_id);

    await request(onB, 'ticket:join', { ticket_id: created.ticket_id });
    const toAgent = next<Message>(onB, 'message:new', (m) => m.content === 'from A');
    await request(onA, 'message:send', { ticket_id: created.ticket_id, content: 'from A' });
    expect(await toAgent).toMatchObject({ content: 'from A', author_id: customer.user.id });

    const toCustomer = next<Message>(onA, 'message:new', (m) => m.content === 'from B');
    await request(onB, 'message:send', { ticket_id: created.ticket_id, content: 'from B' });
    expect(await toCustomer).toMatchObject({ content: 'from B', author_id: agent.user.id });

    const assigned = next<{ id: number; agent_id: number }>(onB, 'ticket:assigned');
    await a.http.post(`/api/v1/tickets/${created.ticket_id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
    expect(await assigned).toMatchObject({ id: created.ticket_id, agent_id: agent.user.id });
  });

  it('a REST message on B reaches the room on A; deactivation on A disconnects on B', async () => {
    const admin = await signedIn(a, { role: 'admin' });
    const customer = await signedIn(a);
    const ticket = await createTicket(a.db, { clientId: customer.user.id });
    const onA = await open(a, customer.token);
    await request(onA, 'ticket:join', { ticket_id: ticket.id });
    const arrived = next<Message>(onA, 'message:new');
    await b.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(admin.auth).send({ content: 'posted on B' }).expect(201);
    expect((await arrived).content).toBe('posted on B');

    const agent = await signedIn(a, { role: 'agent' });
    const agentOnB = await open(b, agent.token);
    const gone = new Promise((resolve) => agentOnB.once('disconnect', resolve));
    await a.http.patch(`/api/v1/users/${agent.user.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    await gone;
  });

  it('knows agents online on either instance', async () => {
    const agent = await signedIn(a, { role: 'agent' });
    await open(a, agent.token);
    await open(b, agent.token);
    const connections = async () => (await a.db.query('SELECT sum(connections)::int AS n FROM agent_presence WHERE user_id = $1', [agent.user.id]))[0].n;
    await waitFor(async () => (await connections()) === 2);
    expect(await connections()).toBe(2);
  });
});

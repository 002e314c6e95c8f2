import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { FakeLlm } from './utils/fake-llm.js';
import { collect, connect, request } from './utils/socket.js';
import { waitFor } from './utils/wait.js';

interface Ticket {
  id: number;
  category: string | null;
  queue_id: number | null;
  suggested_category: string | null;
  suggested_queue_id: number | null;
}

/** The model's answer in pieces, as a streaming model sends it. */
const answer = (category: string, queueId: number) => ['{"category": "', category, '", "queue', `_id": ${queueId}}`];

async function queueId(t: TestApp, name: string): Promise<number> {
  const res = await t.http.get('/api/v1/queues?limit=100').set((await signedIn(t, { role: 'admin' })).auth).expect(200);
  return (res.body.items as { id: number; name: string }[]).find((queue) => queue.name === name)!.id;
}

describe('Suggested categorisation by a language model', () => {
  describe('suggesting only (the default)', () => {
    const llm = new FakeLlm();
    let t: TestApp;
    let client: SignedInUser;
    let agent: SignedInUser;
    let billing: number;

    beforeAll(async () => {
      await llm.start();
      t = await createTestApp({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'fake-model', AI_CATEGORISE_TIMEOUT_SECONDS: '1', AUTO_ASSIGN: 'false' });
      client = await signedIn(t);
      agent = await signedIn(t, { role: 'agent' });
      billing = await queueId(t, 'Billing');
      await createTicket(t.db, { clientId: client.user.id, category: 'refund' });
    });

    afterAll(async () => {
      await t?.close();
      await llm.stop();
    });

    const asAgent = async (id: number): Promise<Ticket> => (await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body as Ticket;
    const suggested = (id: number) => waitFor(async () => (await asAgent(id)).suggested_category !== null);

    it('stores a suggestion for a web ticket after creating it, for agents to see, without applying it', async () => {
      llm.mode = { kind: 'stream', tokens: answer('Payment', billing) };
      const created = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Charged twice', description: 'My card was charged twice for one order' }).expect(201);
      expect(created.body).toMatchObject({ category: null, suggested_category: null, suggested_queue_id: null });

      await suggested(created.body.id);
      const ticket = await asAgent(created.body.id);
      expect(ticket).toMatchObject({ suggested_category: 'payment', suggested_queue_id: billing, category: null, queue_id: created.body.queue_id });

      // The model was shown the ticket, the queues and the categories in use.
      const prompt = JSON.stringify(llm.requests.at(-1)!.body.messages);
      expect(prompt).toContain('My card was charged twice');
      expect(prompt).toContain(`${billing}: Billing`);
      expect(prompt).toContain('refund');

      // The customer does not see what the model thought.
      const own = await t.http.get(`/api/v1/tickets/${created.body.id}`).set(client.auth).expect(200);
      expect(own.body).toMatchObject({ suggested_category: null, suggested_queue_id: null });
      const list = await t.http.get('/api/v1/tickets').set(client.auth).expect(200);
      expect(list.body.items.find((item: Ticket) => item.id === created.body.id)).toMatchObject({ suggested_category: null });
      const agentList = await t.http.get('/api/v1/tickets').set(agent.auth).expect(200);
      expect(agentList.body.items.find((item: Ticket) => item.id === created.body.id)).toMatchObject({ suggested_category: 'payment' });
    });

    it('suggests for a ticket opened over live chat too, live to agents and never to the customer', async () => {
      llm.mode = { kind: 'stream', tokens: answer('delivery', billing) };
      const socket = await connect(t.baseUrl, client.token);
      const agentSocket = await connect(t.baseUrl, agent.token);
      try {
        const toCustomer = collect<Ticket>(socket, 'ticket:updated');
        const toAgents = collect<Ticket>(agentSocket, 'ticket:updated');
        const ack = await request<{ ok: boolean; ticket_id: number }>(socket, 'ticket:create', { title: 'Where is my parcel', description: 'It has been two weeks now' });
        expect(ack.ok).toBe(true);
        await suggested(ack.ticket_id);
        expect(await asAgent(ack.ticket_id)).toMatchObject({ suggested_category: 'delivery' });
        await waitFor(() => toAgents.some((ticket) => ticket.id === ack.ticket_id && ticket.suggested_category === 'delivery'));

        // The customer's room hears nothing of it (only internal fields changed): the next change it
        // can see is the first push it gets (pushes of a ticket keep their order), without the suggestion.
        await t.http.patch(`/api/v1/tickets/${ack.ticket_id}`).set(agent.auth).send({ priority: 'high' }).expect(200);
        await waitFor(() => toCustomer.some((ticket) => ticket.id === ack.ticket_id));
        expect(toCustomer.filter((ticket) => ticket.id === ack.ticket_id)).toEqual([
          expect.objectContaining({ priority: 'high', suggested_category: null, suggested_queue_id: null }),
        ]);
        const joined = await request<{ ok: boolean; ticket: Ticket }>(socket, 'ticket:join', { ticket_id: ack.ticket_id });
        expect(joined.ticket).toMatchObject({ suggested_category: null, suggested_queue_id: null });
      } finally {
        socket.close();
        agentSocket.close();
      }
    });

    it('asks nothing for a ticket that came with a category', async () => {
      llm.mode = { kind: 'stream', tokens: answer('other', billing) };
      const before = llm.requests.length;
      await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Categorised already', description: 'The customer chose the category', category: 'login' }).expect(201);
      const after = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Not categorised', description: 'The customer chose nothing here' }).expect(201);
      await suggested(after.body.id);
      const asked = llm.requests.slice(before).map((r) => JSON.stringify(r.body.messages));
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('Not categorised');
    });

    it('never makes creation wait for a model that hangs, and gives up on it after the timeout', async () => {
      llm.mode = { kind: 'hang' };
      const before = llm.requests.length;
      const created = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'The model hangs', description: 'Creation must not wait for it' }).expect(201);
      expect(created.body.status).toBe('open');
      await waitFor(() => llm.requests.length > before && llm.requests.at(-1)!.abandoned);
      expect(await asAgent(created.body.id)).toMatchObject({ suggested_category: null, suggested_queue_id: null });
    });
  });

  describe('with AI_APPLY_SUGGESTIONS=true', () => {
    const llm = new FakeLlm();
    let t: TestApp;

    beforeAll(async () => {
      await llm.start();
      t = await createTestApp({ LLM_BASE_URL: llm.baseUrl, AI_APPLY_SUGGESTIONS: 'true' });
    });

    afterAll(async () => {
      await t?.close();
      await llm.stop();
    });

    // No agent exists here, so the ticket stays unassigned and its queue may move.
    it('applies the category and the queue to an unassigned ticket, in its history without an actor', async () => {
      const client = await signedIn(t);
      const billing = await queueId(t, 'Billing');
      llm.mode = { kind: 'stream', tokens: answer('payment', billing) };
      const created = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Invoice missing', description: 'I need the invoice for March' }).expect(201);
      expect(created.body.queue_id).not.toBe(billing);

      await waitFor(async () => (await t.http.get(`/api/v1/tickets/${created.body.id}`).set(client.auth).expect(200)).body.category !== null);
      const own = await t.http.get(`/api/v1/tickets/${created.body.id}`).set(client.auth).expect(200);
      expect(own.body).toMatchObject({ category: 'payment', queue_id: billing });

      const admin = await signedIn(t, { role: 'admin' });
      const history = await t.http.get(`/api/v1/tickets/${created.body.id}/history`).set(admin.auth).expect(200);
      const applied = (history.body.items as { type: string; to: string | null; actor_id: number | null }[]).filter((e) => e.type === 'category' || e.type === 'queue');
      expect(applied).toEqual([
        expect.objectContaining({ type: 'category', to: 'payment', actor_id: null }),
        expect.objectContaining({ type: 'queue', to: String(billing), actor_id: null }),
      ]);
    });

    it('leaves a category the ticket has alone', async () => {
      const client = await signedIn(t);
      const billing = await queueId(t, 'Billing');
      llm.mode = { kind: 'stream', tokens: answer('payment', billing) };
      const before = llm.requests.length;
      const created = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Has one', description: 'Came with its own category', category: 'login' }).expect(201);
      const other = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Has none', description: 'Came without a category' }).expect(201);
      await waitFor(async () => (await t.http.get(`/api/v1/tickets/${other.body.id}`).set(client.auth).expect(200)).body.category !== null);
      expect(llm.requests.length - before).toBe(1);
      expect((await t.http.get(`/api/v1/tickets/${created.body.id}`).set(client.auth).expect(200)).body).toMatchObject({ category: 'login', queue_id: created.body.queue_id });
    });
  });
});

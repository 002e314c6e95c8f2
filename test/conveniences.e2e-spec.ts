import { MessagesService } from '#src/modules/messages/messages.service.js';
import { AssignmentCron } from '#src/modules/tickets/assignment.cron.js';
import { createTicket } from './factories/tickets.factory.js';
import { createUser, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { next, request, socketPool } from './utils/socket.js';

interface HistoryRow {
  type: string;
  actor_id: number | null;
  from: string | null;
  to: string | null;
  created_at: string;
}
interface Authored {
  id: number;
  author_id: number | null;
  author_name: string | null;
  author_type: string;
  content: string;
}

const statusOf = async (t: TestApp, id: number): Promise<string> => (await t.db.query('SELECT status FROM tickets WHERE id = $1', [id]))[0].status;
const historyOf = async (t: TestApp, id: number, who: SignedInUser): Promise<HistoryRow[]> =>
  (await t.http.get(`/api/v1/tickets/${id}/history`).set(who.auth).expect(200)).body.items;
/** The history after the "created" row, as [type, actor, from, to]. */
const changesOf = async (t: TestApp, id: number, who: SignedInUser) =>
  (await historyOf(t, id, who)).filter((e) => e.type !== 'created').map((e) => [e.type, e.actor_id, e.from, e.to]);

describe('everyday conveniences', () => {
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let other: SignedInUser;
  let admin: SignedInUser;
  const sockets = socketPool(() => t.baseUrl);
  const { open } = sockets;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    client = await signedIn(t, { name: 'Carla Customer' });
    agent = await signedIn(t, { role: 'agent', name: 'Anna Agent' });
    other = await signedIn(t, { role: 'agent', name: 'Otto Other' });
    admin = await signedIn(t, { role: 'admin', name: 'Ada Admin' });
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  describe('assigning an open ticket moves it to in_progress', () => {
    it('by hand: in the same change as the assignment, recorded in history, and announced', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const agentConsole = await open(agent);
      const assigned = next<{ id: number; status: string }>(agentConsole, 'ticket:assigned', (x) => x.id === ticket.id);
      const res = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(admin.auth).send({ agent_id: agent.user.id }).expect(200);
      expect(res.body).toMatchObject({ agent_id: agent.user.id, status: 'in_progress' });
      expect((await assigned).status).toBe('in_progress');
      const history = await historyOf(t, ticket.id, agent);
      expect(history.filter((e) => e.type !== 'created').map((e) => [e.type, e.actor_id, e.from, e.to])).toEqual([
        ['assignment', admin.user.id, null, String(agent.user.id)],
        ['status', admin.user.id, 'open', 'in_progress'],
      ]);
      // One change: both rows carry the same time.
      expect(new Set(history.filter((e) => e.type !== 'created').map((e) => e.created_at)).size).toBe(1);
    });

    it.each(['in_progress', 'waiting_customer', 'resolved'] as const)('by hand: leaves a %s ticket in its status', async (status) => {
      const ticket = await createTicket(t.db, { clientId: client.user.id, status, resolvedAt: status === 'resolved' ? new Date() : null });
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: other.user.id }).expect(200);
      expect(await statusOf(t, ticket.id)).toBe(status);
      expect(await changesOf(t, ticket.id, agent)).toEqual([['assignment', agent.user.id, null, String(other.user.id)]]);
    });

    it('leaves the status alone when a ticket is unassigned or moves between agents', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'open' }).expect(200);
      // An open ticket that already has its agent stays open when nobody is assigned.
      const unassigned = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: null }).expect(200);
      expect(unassigned.body).toMatchObject({ agent_id: null, status: 'open' });
      const again = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: other.user.id }).expect(200);
      expect(again.body.status).toBe('in_progress');
      const moved = await t.http.post(`/api/v1/tickets/${ticket.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
      expect(moved.body.status).toBe('in_progress');
      expect((await changesOf(t, ticket.id, agent)).filter(([type]) => type === 'status')).toEqual([
        ['status', agent.user.id, 'open', 'in_progress'],
        ['status', agent.user.id, 'in_progress', 'open'],
        ['status', agent.user.id, 'open', 'in_progress'],
      ]);
    });

    it('in bulk: the open tickets move, the others keep their status; a status named in the change wins', async () => {
      const a = await createTicket(t.db, { clientId: client.user.id });
      const b = await createTicket(t.db, { clientId: client.user.id });
      const waiting = await createTicket(t.db, { clientId: client.user.id, status: 'waiting_customer' });
      const res = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [a.id, b.id, waiting.id], agent_id: other.user.id }).expect(200);
      expect(res.body.items.map((x: { id: number; status: string }) => [x.id, x.status])).toEqual([
        [a.id, 'in_progress'],
        [b.id, 'in_progress'],
        [waiting.id, 'waiting_customer'],
      ]);
      for (const id of [a.id, b.id]) {
        expect(await changesOf(t, id, agent)).toEqual([
          ['assignment', agent.user.id, null, String(other.user.id)],
          ['status', agent.user.id, 'open', 'in_progress'],
        ]);
      }
      expect(await changesOf(t, waiting.id, agent)).toEqual([['assignment', agent.user.id, null, String(other.user.id)]]);

      const c = await createTicket(t.db, { clientId: client.user.id });
      const named = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [c.id], agent_id: agent.user.id, status: 'waiting_customer' }).expect(200);
      expect(named.body.items[0]).toMatchObject({ agent_id: agent.user.id, status: 'waiting_customer' });
    });

    describe('automatically', () => {
      let auto: TestApp;
      beforeAll(async () => {
        auto = await createTestApp({ AUTO_ASSIGN: 'true', AGENT_CAPACITY: '5' });
      });
      afterAll(() => auto.close());

      it('not when a ticket is given out as it is opened: the contract answers a new ticket "open"', async () => {
        const customer = await signedIn(auto);
        const worker = await signedIn(auto, { role: 'agent' });
        const res = await auto.http.post('/api/v1/tickets').set(customer.auth).send({ title: 'Auto', description: 'Given out at once' }).expect(201);
        expect(res.body).toMatchObject({ agent_id: worker.user.id, status: 'open' });
        expect(await changesOf(auto, res.body.id, worker)).toEqual([['assignment', null, null, String(worker.user.id)]]);
      });

      it('when the sweep gives out a waiting ticket; a waiting_customer one keeps its status', async () => {
        await auto.db.query(`UPDATE users SET is_active = false WHERE role = 'agent'`);
        const waitingOpen = await createTicket(auto.db, {});
        const waitingOther = await createTicket(auto.db, { status: 'waiting_customer' });
        const reader = await signedIn(auto, { role: 'admin' });
        const late = await createUser(auto.db, { role: 'agent' });
        await auto.app.get(AssignmentCron).giveOutWaitingTickets();
        const [row] = await auto.db.query('SELECT agent_id, status FROM tickets WHERE id = $1', [waitingOpen.id]);
        expect(row).toEqual({ agent_id: late.id, status: 'in_progress' });
        expect(await changesOf(auto, waitingOpen.id, reader)).toEqual([
          ['assignment', null, null, String(late.id)],
          ['status', null, 'open', 'in_progress'],
        ]);
        expect(await auto.db.query('SELECT agent_id, status FROM tickets WHERE id = $1', [waitingOther.id])).toEqual([{ agent_id: late.id, status: 'waiting_customer' }]);
      });
    });
  });

  describe('author_name and author_type on messages and notes', () => {
    it('comes with every message over REST, in message:new and in the join replay', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}/messages`;
      const widget = await open(client);
      await request(widget, 'ticket:join', { ticket_id: ticket.id });
      const fromRest = next<Authored>(widget, 'message:new', (m) => m.content === 'First agent reply');

      // The customer's message (the one-statement path) and the first agent reply (the locked path).
      const mine = await t.http.post(url).set(client.auth).send({ content: 'Hello' }).expect(201);
      expect(mine.body).toMatchObject({ author_id: client.user.id, author_name: 'Carla Customer', author_type: 'client' });
      const reply = await t.http.post(url).set(agent.auth).send({ content: 'First agent reply' }).expect(201);
      expect(reply.body).toMatchObject({ author_id: agent.user.id, author_name: 'Anna Agent', author_type: 'agent', is_from_agent: true });
      expect(await fromRest).toMatchObject({ author_name: 'Anna Agent', author_type: 'agent' });

      // An admin is an agent to the customer; over Socket.IO too.
      const adminSocket = await open(admin);
      await request(adminSocket, 'ticket:join', { ticket_id: ticket.id });
      const fromSocket = next<Authored>(widget, 'message:new', (m) => m.content === 'From the console');
      const ack = await request<{ ok: boolean; message: Authored }>(adminSocket, 'message:send', { ticket_id: ticket.id, content: 'From the console', client_msg_id: 'k-1' });
      expect(ack.message).toMatchObject({ author_name: 'Ada Admin', author_type: 'agent' });
      expect(await fromSocket).toMatchObject({ author_id: admin.user.id, author_name: 'Ada Admin', author_type: 'agent' });
      // A retried send answers the stored message, with its author.
      const retried = await request<{ ok: boolean; message: Authored }>(adminSocket, 'message:send', { ticket_id: ticket.id, content: 'From the console', client_msg_id: 'k-1' });
      expect(retried.message).toEqual(ack.message);

      const expected = [
        ['Hello', 'Carla Customer', 'client'],
        ['First agent reply', 'Anna Agent', 'agent'],
        ['From the console', 'Ada Admin', 'agent'],
      ];
      const list = await t.http.get(url).set(client.auth).expect(200);
      expect(list.body.items.map((m: Authored) => [m.content, m.author_name, m.author_type])).toEqual(expected);
      const joined = await request<{ messages: Authored[] }>(await open(agent), 'ticket:join', { ticket_id: ticket.id });
      expect(joined.messages.map((m) => [m.content, m.author_name, m.author_type])).toEqual(expected);
    });

    it("shows the author's current name, and the bot's for a bot message", async () => {
      const renamed = await signedIn(t, { name: 'Old Name' });
      const ticket = await createTicket(t.db, { clientId: renamed.user.id });
      const url = `/api/v1/tickets/${ticket.id}/messages`;
      await t.http.post(url).set(renamed.auth).send({ content: 'Before the rename' }).expect(201);
      await t.http.patch(`/api/v1/users/${renamed.user.id}`).set(admin.auth).send({ name: 'New Name' }).expect(200);

      const watcher = await open(agent);
      await request(watcher, 'ticket:join', { ticket_id: ticket.id });
      const announced = next<Authored>(watcher, 'message:new', (m) => m.content === 'I am the bot');
      const { message } = await t.app.get(MessagesService).post(null, ticket.id, { id: null, type: 'bot' }, 'I am the bot', null);
      expect(message).toMatchObject({ author_id: null, author_name: 'Support bot', author_type: 'bot', is_from_agent: false });
      expect(await announced).toMatchObject({ author_name: 'Support bot', author_type: 'bot' });

      const list = await t.http.get(url).set(agent.auth).expect(200);
      expect(list.body.items.map((m: Authored) => [m.author_name, m.author_type])).toEqual([
        ['New Name', 'client'],
        ['Support bot', 'bot'],
      ]);
    });

    it('comes with every note', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id });
      const url = `/api/v1/tickets/${ticket.id}/notes`;
      const note = await t.http.post(url).set(agent.auth).send({ content: 'VIP customer' }).expect(201);
      expect(note.body).toMatchObject({ author_id: agent.user.id, author_name: 'Anna Agent', author_type: 'agent' });
      expect(note.body.updated_at).toBe(note.body.created_at);
      await t.http.post(url).set(admin.auth).send({ content: 'Agreed' }).expect(201);
      const list = await t.http.get(url).set(other.auth).expect(200);
      expect(list.body.items.map((n: Authored) => [n.content, n.author_name, n.author_type])).toEqual([
        ['VIP customer', 'Anna Agent', 'agent'],
        ['Agreed', 'Ada Admin', 'agent'],
      ]);
    });
  });

  describe('editing a note', () => {
    let ticketId: number;
    const write = async (who: SignedInUser, content: string) =>
      (await t.http.post(`/api/v1/tickets/${ticketId}/notes`).set(who.auth).send({ content }).expect(201)).body as Authored & { updated_at: string; created_at: string };
    const contentOf = async (id: number) => (await t.db.query('SELECT content FROM notes WHERE id = $1', [id]))[0].content;

    beforeAll(async () => {
      ticketId = (await createTicket(t.db, { clientId: client.user.id })).id;
    });

    it('lets its author change the text, moving updated_at', async () => {
      const note = await write(agent, 'Call back on Monday');
      const res = await t.http.patch(`/api/v1/notes/${note.id}`).set(agent.auth).send({ content: 'Call back on Tuesday' }).expect(200);
      expect(res.body).toMatchObject({ id: note.id, content: 'Call back on Tuesday', author_id: agent.user.id, author_name: 'Anna Agent', created_at: note.created_at });
      expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(note.created_at));
      const list = await t.http.get(`/api/v1/tickets/${ticketId}/notes`).set(other.auth).expect(200);
      expect(list.body.items.find((n: Authored) => n.id === note.id)).toMatchObject({ content: 'Call back on Tuesday', updated_at: res.body.updated_at });
    });

    it("lets an admin edit anyone's note", async () => {
      const note = await write(agent, 'Refund approved');
      const res = await t.http.patch(`/api/v1/notes/${note.id}`).set(admin.auth).send({ content: 'Refund approved (50%)' }).expect(200);
      // The author stays the author.
      expect(res.body).toMatchObject({ content: 'Refund approved (50%)', author_id: agent.user.id });
    });

    it('refuses another agent (403), a client (404), a missing note (404) and bad input (422), changing nothing', async () => {
      const note = await write(agent, 'Keep me');
      const url = `/api/v1/notes/${note.id}`;
      expect((await t.http.patch(url).set(other.auth).send({ content: 'Hijacked' }).expect(403)).body.error).toBe('forbidden');
      expect((await t.http.patch(url).set(client.auth).send({ content: 'Hijacked' }).expect(404)).body.error).toBe('not_found');
      await t.http.patch('/api/v1/notes/99999999').set(agent.auth).send({ content: 'Nothing' }).expect(404);
      // author_id and ticket_id are taken only as the note's own (an edit never changes them).
      for (const body of [{ content: '   ' }, {}, { content: 'ok', author_id: other.user.id }, { content: 'ok', ticket_id: ticketId + 1 }, { content: 7 }]) {
        await t.http.patch(url).set(agent.auth).send(body).expect(422);
      }
      await t.http.patch(url).send({ content: 'Anonymous' }).expect(401);
      expect(await contentOf(note.id)).toBe('Keep me');
    });
  });
});

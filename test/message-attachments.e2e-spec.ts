import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { collect, next, request, socketPool } from './utils/socket.js';

interface AttachmentNew {
  ticket_id: number;
  attachment: { id: number; filename: string; message_id: number | null; note_id: number | null; ticket_id: number | null };
}

/** The files of a ticket's messages in one list (GET /attachments/ticket/:id/messages), and `attachment:new` live. */
describe('files on messages', () => {
  let t: TestApp;
  const sockets = socketPool(() => t.baseUrl);

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  const upload = (who: SignedInUser, path: string, filename: string) =>
    t.http.post(`/api/v1/${path}/attachments`).set(who.auth).attach('file', Buffer.from(`${filename}\n`), { filename, contentType: 'text/plain' }).expect(201);
  const post = async (who: SignedInUser, ticketId: number, content: string): Promise<number> =>
    (await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(who.auth).send({ content }).expect(201)).body.id;

  it('lists the files of a ticket’s messages, each with its message, to whoever may see the ticket', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const stranger = await signedIn(t);
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const first = await post(customer, ticket.id, 'Here is the receipt');
    const second = await post(agent, ticket.id, 'And the label');
    await upload(customer, `messages/${first}`, 'receipt.txt');
    await upload(agent, `messages/${second}`, 'label.txt');
    await upload(customer, `tickets/${ticket.id}`, 'on-the-ticket.txt');
    const note = (await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'Internal' }).expect(201)).body.id;
    await upload(agent, `notes/${note}`, 'secret.txt');

    for (const who of [customer, agent]) {
      const list = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}/messages`).set(who.auth).expect(200);
      expect(list.body.items.map((a: AttachmentNew['attachment']) => [a.message_id, a.filename])).toEqual([
        [first, 'receipt.txt'],
        [second, 'label.txt'],
      ]);
      expect(list.body.next_cursor).toBeNull();
    }
    const page = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}/messages?limit=1`).set(agent.auth).expect(200);
    const rest = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}/messages?limit=1&cursor=${page.body.next_cursor}`).set(agent.auth).expect(200);
    expect([...page.body.items, ...rest.body.items].map((a: AttachmentNew['attachment']) => a.filename)).toEqual(['receipt.txt', 'label.txt']);
    await t.http.get(`/api/v1/attachments/ticket/${ticket.id}/messages`).set(stranger.auth).expect(404);
  });

  it('tells the ticket’s room of each file on the ticket or a message as it is stored, never of a note’s', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const watching = await sockets.open(customer);
    expect(await request(watching, 'ticket:join', { ticket_id: ticket.id })).toMatchObject({ ok: true });
    const seen = collect<AttachmentNew>(watching, 'attachment:new');

    const note = (await t.http.post(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).send({ content: 'Internal' }).expect(201)).body.id;
    await upload(agent, `notes/${note}`, 'secret.txt');
    const message = await post(agent, ticket.id, 'Your label');
    const arrived = next<AttachmentNew>(watching, 'attachment:new', (e) => e.attachment.filename === 'label.txt');
    const stored = await upload(agent, `messages/${message}`, 'label.txt');
    expect(await arrived).toEqual({ ticket_id: ticket.id, attachment: expect.objectContaining({ id: stored.body.id, message_id: message, filename: 'label.txt' }) });
    const onTicket = next<AttachmentNew>(watching, 'attachment:new', (e) => e.attachment.filename === 'form.txt');
    await upload(agent, `tickets/${ticket.id}`, 'form.txt');
    expect((await onTicket).attachment).toMatchObject({ ticket_id: ticket.id, message_id: null });
    // The note's file, uploaded first, never reached the customer's socket.
    expect(seen.map((e) => e.attachment.filename)).toEqual(['label.txt', 'form.txt']);
  });
  it('puts files uploaded to the ticket under the message that tells of them (upload first, then send), only the sender’s own and only once', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const names = async (path: string) =>
      (await t.http.get(`/api/v1/attachments/${path}`).set(agent.auth).expect(200)).body.items.map((a: { filename: string }) => a.filename);
    const messageCount = async () => Number((await t.db.query('SELECT count(*) FROM messages WHERE ticket_id = $1', [ticket.id]))[0].count);

    // The sender's files on the ticket go under its message, in the message's transaction.
    const receipt = (await upload(customer, `tickets/${ticket.id}`, 'receipt.txt')).body.id as number;
    const scan = (await upload(customer, `tickets/${ticket.id}`, 'scan.txt')).body.id as number;
    const sent = await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(customer.auth).send({ content: 'Sent two files', attachment_ids: [receipt, scan] }).expect(201);
    expect(await names(`message/${sent.body.id}`)).toEqual(['receipt.txt', 'scan.txt']);
    expect(await names(`ticket/${ticket.id}`)).toEqual([]);

    // Over Socket.IO too; the room hears the message once the file is under it.
    const label = (await upload(agent, `tickets/${ticket.id}`, 'label.txt')).body.id as number;
    const socket = await sockets.open(agent);
    expect(await request(socket, 'ticket:join', { ticket_id: ticket.id })).toMatchObject({ ok: true });
    const ack = await request<{ ok: boolean; message: { id: number } }>(socket, 'message:send', { ticket_id: ticket.id, content: 'Your label', attachment_ids: [label] });
    expect(ack.ok).toBe(true);
    expect(await names(`message/${ack.message.id}`)).toEqual(['label.txt']);

    // Not the sender's file, already on a message, unknown, or on another ticket: 422, and no message is stored.
    const form = (await upload(agent, `tickets/${ticket.id}`, 'form.txt')).body.id as number;
    const elsewhere = await createTicket(t.db, { clientId: customer.user.id });
    const other = (await upload(customer, `tickets/${elsewhere.id}`, 'other.txt')).body.id as number;
    const before = await messageCount();
    for (const ids of [[form], [receipt], [2_000_000_000], [other]]) {
      const refused = await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(customer.auth).send({ content: 'Sent a file', attachment_ids: ids }).expect(422);
      expect(refused.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'attachment_ids' }] });
    }
    expect(await request(await sockets.open(customer), 'message:send', { ticket_id: ticket.id, content: 'Sent a file', attachment_ids: [form] })).toMatchObject({
      ok: false,
      error: { error: 'validation_failed' },
    });
    for (const bad of [[], ['1'], [0], [1, 1], 'x']) {
      await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(customer.auth).send({ content: 'Bad ids', attachment_ids: bad }).expect(422);
    }
    expect(await messageCount()).toBe(before);
    expect(await names(`ticket/${ticket.id}`)).toEqual(['form.txt']);
  });
});

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { binary } from './utils/files.js';
import { collect, next, request, socketPool } from './utils/socket.js';

interface Attachment {
  id: number;
  filename: string;
  message_id: number | null;
  ticket_id: number | null;
}
interface AttachmentNew {
  ticket_id: number;
  attachment: Attachment;
}

const TTL_MINUTES = 30;
const MAX_FILES = 3;

/**
 * Files uploaded for a message about to be sent (`POST /tickets/:id/attachments?for=message`): its
 * uploader's alone until a message claims them, then the message's; removed when none does in time.
 */
describe('uploads for a message', () => {
  let t: TestApp;
  const sockets = socketPool(() => t.baseUrl);

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false', UPLOAD_PENDING_TTL_MINUTES: String(TTL_MINUTES), UPLOAD_MAX_FILES: String(MAX_FILES) });
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  const upload = (who: SignedInUser, ticketId: number, filename: string, query = '') =>
    t.http
      .post(`/api/v1/tickets/${ticketId}/attachments${query}`)
      .set(who.auth)
      .attach('file', Buffer.from(`${filename}\n`), { filename, contentType: 'text/plain' });
  const forMessage = async (who: SignedInUser, ticketId: number, filename: string): Promise<Attachment> =>
    (await upload(who, ticketId, filename, '?for=message').expect(201)).body;
  const send = (who: SignedInUser, ticketId: number, attachmentIds: number[]) =>
    t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(who.auth).send({ content: 'Here is the file', attachment_ids: attachmentIds });
  const names = async (who: SignedInUser, path: string): Promise<string[]> =>
    (await t.http.get(`/api/v1/attachments/${path}`).set(who.auth).expect(200)).body.items.map((a: Attachment) => a.filename);
  const download = (who: SignedInUser, id: number) => t.http.get(`/api/v1/attachments/${id}/content`).set(who.auth).buffer(true).parse(binary);
  const rowOf = async (id: number) => ((await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [id])) as { storage_key: string }[])[0];
  const exists = (path: string) => access(path).then(() => true, () => false);
  const fileOf = async (id: number) => join(t.config.uploadDir, (await rowOf(id))!.storage_key);
  const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

  it('keeps the file out of the ticket’s files and quiet until the message takes it, then shows it under the message', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const watching = await sockets.open(agent);
    expect(await request(watching, 'ticket:join', { ticket_id: ticket.id })).toMatchObject({ ok: true });
    const seen = collect<AttachmentNew>(watching, 'attachment:new');

    const scan = await forMessage(customer, ticket.id, 'scan.txt');
    expect(scan).toEqual(expect.objectContaining({ filename: 'scan.txt', ticket_id: ticket.id, message_id: null, note_id: null, uploader_id: customer.user.id }));
    // A ticket file uploaded after it is announced; the room heard nothing of the one for the message.
    const marker = next<AttachmentNew>(watching, 'attachment:new', (e) => e.attachment.filename === 'form.txt');
    await upload(customer, ticket.id, 'form.txt').expect(201);
    await marker;
    expect(seen.map((e) => e.attachment.filename)).toEqual(['form.txt']);
    for (const who of [customer, agent]) {
      expect(await names(who, `ticket/${ticket.id}`)).toEqual(['form.txt']);
      expect(await names(who, `ticket/${ticket.id}/messages`)).toEqual([]);
    }
    // Its uploader may look at it; nobody else knows it exists.
    expect((await download(customer, scan.id).expect(200)).body.toString()).toBe('scan.txt\n');
    await download(agent, scan.id).expect(404);

    const announced = next<AttachmentNew>(watching, 'attachment:new', (e) => e.attachment.id === scan.id);
    const message = (await send(customer, ticket.id, [scan.id]).expect(201)).body as { id: number };
    expect(await announced).toEqual({ ticket_id: ticket.id, attachment: expect.objectContaining({ id: scan.id, message_id: message.id, ticket_id: null }) });
    expect(await names(agent, `message/${message.id}`)).toEqual(['scan.txt']);
    expect(await names(agent, `ticket/${ticket.id}/messages`)).toEqual(['scan.txt']);
    expect(await names(agent, `ticket/${ticket.id}`)).toEqual(['form.txt']);
    expect((await download(agent, scan.id).expect(200)).body.toString()).toBe('scan.txt\n');
    expect(seen.filter((e) => e.attachment.id === scan.id)).toHaveLength(1);
  });

  it('is claimed over Socket.IO too, announced after the message', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const watching = await sockets.open(customer);
    expect(await request(watching, 'ticket:join', { ticket_id: ticket.id })).toMatchObject({ ok: true });
    const order: string[] = [];
    watching.on('message:new', () => order.push('message:new'));
    watching.on('attachment:new', () => order.push('attachment:new'));

    const label = await forMessage(agent, ticket.id, 'label.txt');
    const socket = await sockets.open(agent);
    const announced = next<AttachmentNew>(watching, 'attachment:new', (e) => e.attachment.id === label.id);
    const ack = await request<{ ok: boolean; message: { id: number } }>(socket, 'message:send', { ticket_id: ticket.id, content: 'Your label', attachment_ids: [label.id] });
    expect(ack.ok).toBe(true);
    expect((await announced).attachment.message_id).toBe(ack.message.id);
    expect(order).toEqual(['message:new', 'attachment:new']);
  });

  it('goes only under a message of its uploader on its ticket', async () => {
    const customer = await signedIn(t);
    const otherCustomer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const otherTicket = await createTicket(t.db, { clientId: customer.user.id });
    const theirTicket = await createTicket(t.db, { clientId: otherCustomer.user.id });
    const scan = await forMessage(customer, ticket.id, 'scan.txt');

    for (const [who, ticketId] of [
      [agent, ticket.id],
      [customer, otherTicket.id],
      [otherCustomer, theirTicket.id],
    ] as const) {
      const refused = await send(who, ticketId, [scan.id]).expect(422);
      expect(refused.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'attachment_ids' }] });
    }
    await send(otherCustomer, ticket.id, [scan.id]).expect(404);
    const agentSocket = await sockets.open(agent);
    expect(await request(agentSocket, 'message:send', { ticket_id: ticket.id, content: 'Mine now', attachment_ids: [scan.id] })).toMatchObject({
      ok: false,
      error: { error: 'validation_failed' },
    });
    expect(Number((await t.db.query('SELECT count(*) FROM messages WHERE ticket_id = ANY($1)', [[ticket.id, otherTicket.id, theirTicket.id]]))[0].count)).toBe(0);

    const message = (await send(customer, ticket.id, [scan.id]).expect(201)).body as { id: number };
    expect(await names(customer, `message/${message.id}`)).toEqual(['scan.txt']);
    await send(customer, ticket.id, [scan.id]).expect(422); // once only
  });

  it('may be deleted by its uploader alone, row and file', async () => {
    const customer = await signedIn(t);
    const otherCustomer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const scan = await forMessage(customer, ticket.id, 'scan.txt');
    const path = await fileOf(scan.id);

    for (const who of [agent, otherCustomer]) await t.http.delete(`/api/v1/attachments/${scan.id}`).set(who.auth).expect(404);
    await t.http.delete(`/api/v1/attachments/${scan.id}`).set(customer.auth).expect(204);
    expect(await rowOf(scan.id)).toBeUndefined();
    expect(await exists(path)).toBe(false);
    await send(customer, ticket.id, [scan.id]).expect(422);

    // Even once the ticket is closed, unlike the ticket's own files.
    const late = await forMessage(customer, ticket.id, 'late.txt');
    const kept = (await upload(customer, ticket.id, 'kept.txt').expect(201)).body as Attachment;
    await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(customer.auth).send({ status: 'closed' }).expect(200);
    await t.http.delete(`/api/v1/attachments/${kept.id}`).set(customer.auth).expect(409);
    await t.http.delete(`/api/v1/attachments/${late.id}`).set(customer.auth).expect(204);
  });

  it('is removed, row and file, once nobody claimed it within UPLOAD_PENDING_TTL_MINUTES; files that were claimed or the ticket’s stay', async () => {
    const customer = await signedIn(t);
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const forgotten = await forMessage(customer, ticket.id, 'forgotten.txt');
    const sent = await forMessage(customer, ticket.id, 'sent.txt');
    const message = (await send(customer, ticket.id, [sent.id]).expect(201)).body as { id: number };
    const onTicket = (await upload(customer, ticket.id, 'form.txt').expect(201)).body as Attachment;
    const path = await fileOf(forgotten.id);
    const service = t.app.get(AttachmentsService);

    // Not yet: the bound has not passed.
    await service.removeUnclaimed(minutesFromNow(TTL_MINUTES - 1));
    expect(await rowOf(forgotten.id)).toBeDefined();
    expect(await exists(path)).toBe(true);

    expect(await service.removeUnclaimed(minutesFromNow(TTL_MINUTES + 1))).toBeGreaterThanOrEqual(1);
    expect(await rowOf(forgotten.id)).toBeUndefined();
    expect(await exists(path)).toBe(false);
    for (const kept of [sent.id, onTicket.id]) {
      expect(await rowOf(kept)).toBeDefined();
      expect(await exists(await fileOf(kept))).toBe(true);
    }
    expect(await names(customer, `message/${message.id}`)).toEqual(['sent.txt']);
    expect(await names(customer, `ticket/${ticket.id}`)).toEqual(['form.txt']);
    const late = await send(customer, ticket.id, [forgotten.id]).expect(422);
    expect(late.body).toMatchObject({ details: [{ field: 'attachment_ids' }] });
  });

  it('counts one user’s waiting files apart from the ticket’s, at most UPLOAD_MAX_FILES of them', async () => {
    const customer = await signedIn(t);
    const agent = await signedIn(t, { role: 'agent' });
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const waiting: number[] = [];
    for (let i = 0; i < MAX_FILES; i++) waiting.push((await forMessage(customer, ticket.id, `scan-${i}.txt`)).id);
    const refused = await upload(customer, ticket.id, 'one-more.txt', '?for=message').expect(409);
    expect(refused.body).toMatchObject({ error: 'conflict' });
    // Another user's waiting files, and the ticket's own, are counted on their own.
    await forMessage(agent, ticket.id, 'label.txt');
    for (let i = 0; i < MAX_FILES; i++) await upload(customer, ticket.id, `form-${i}.txt`).expect(201);
    await upload(customer, ticket.id, 'form-more.txt').expect(409);
    // Sending frees the room.
    await send(customer, ticket.id, waiting).expect(201);
    await forMessage(customer, ticket.id, 'next.txt');
  });

  it('takes `for` in any case and refuses other values; without it an upload is a ticket file as before', async () => {
    const customer = await signedIn(t);
    const ticket = await createTicket(t.db, { clientId: customer.user.id });
    const upper = (await upload(customer, ticket.id, 'upper.txt', '?for=MESSAGE').expect(201)).body as Attachment;
    for (const query of ['?for=ticket', '?for=', '?for=message&for=message']) {
      const res = await upload(customer, ticket.id, 'bad.txt', query).expect(422);
      expect(res.body).toMatchObject({ error: 'validation_failed' });
    }
    const plain = (await upload(customer, ticket.id, 'plain.txt').expect(201)).body as Attachment;
    expect(plain).toMatchObject({ ticket_id: ticket.id, message_id: null });
    expect(await names(customer, `ticket/${ticket.id}`)).toEqual(['plain.txt']);
    // A ticket file is never removed by the cleanup, however old.
    await t.app.get(AttachmentsService).removeUnclaimed(minutesFromNow(10 * TTL_MINUTES));
    expect(await names(customer, `ticket/${ticket.id}`)).toEqual(['plain.txt']);
    expect(await rowOf(upper.id)).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { binary, PNG, sha256 } from './utils/files.js';

/** Files on the ticket itself, and deleting one file (ticket, message or note level). */
describe('ticket attachments and single deletes', () => {
  let t: TestApp;
  let client: SignedInUser;
  let stranger: SignedInUser;
  let agent: SignedInUser;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false', UPLOAD_MAX_BYTES: String(64 * 1024), UPLOAD_MAX_FILES: '3' });
    client = await signedIn(t);
    stranger = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
    admin = await signedIn(t, { role: 'admin' });
  });
  afterAll(() => t.close());

  const ticketOf = async (owner: SignedInUser) => (await createTicket(t.db, { clientId: owner.user.id })).id;

  const upload = (who: SignedInUser, path: string, bytes: Buffer, filename: string, contentType = 'application/octet-stream') =>
    t.http.post(`/api/v1/${path}/attachments`).set(who.auth).attach('file', bytes, { filename, contentType });

  const download = (who: SignedInUser, id: number) => t.http.get(`/api/v1/attachments/${id}/content`).set(who.auth).buffer(true).parse(binary);

  const remove = (who: SignedInUser, id: number) => t.http.delete(`/api/v1/attachments/${id}`).set(who.auth);

  const rowCount = async () => Number((await t.db.query('SELECT count(*) AS n FROM attachments'))[0].n);

  /** The path of an attachment's bytes on disk. */
  const pathOf = async (id: number) => {
    const [row] = (await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [id])) as { storage_key: string }[];
    return join(t.config.uploadDir, row!.storage_key);
  };
  const exists = (path: string) => access(path).then(() => true, () => false);

  describe('files on a ticket', () => {
    it('lets the ticket’s client upload, list and download, in the message attachments’ shape', async () => {
      const ticketId = await ticketOf(client);
      const res = await upload(client, `tickets/${ticketId}`, PNG, 'screenshot.png', 'image/png').expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        filename: 'screenshot.png',
        content_type: 'image/png',
        size: PNG.length,
        sha256: sha256(PNG),
        message_id: null,
        note_id: null,
        ticket_id: ticketId,
        uploader_id: client.user.id,
        created_at: expect.any(String),
      });

      const list = await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(client.auth).expect(200);
      expect(list.body).toEqual({ items: [res.body], next_cursor: null });

      const file = await download(client, res.body.id).expect(200);
      expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['content-disposition']).toBe('inline; filename=screenshot.png');
    });

    it('lets any agent upload to, list and download from any ticket', async () => {
      const ticketId = await ticketOf(client);
      const mine = await upload(client, `tickets/${ticketId}`, Buffer.from('from the customer'), 'a.txt').expect(201);
      const theirs = await upload(agent, `tickets/${ticketId}`, Buffer.from('from the agent'), 'b.txt').expect(201);
      expect(theirs.body).toMatchObject({ ticket_id: ticketId, uploader_id: agent.user.id });

      const list = await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(agent.auth).query({ limit: 1 }).expect(200);
      expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([mine.body.id]);
      const rest = await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(agent.auth).query({ cursor: list.body.next_cursor }).expect(200);
      expect(rest.body).toEqual({ items: [theirs.body], next_cursor: null });

      expect((await download(agent, mine.body.id).expect(200)).body.toString()).toBe('from the customer');
      // The customer sees the agent's file on its ticket too.
      expect((await download(client, theirs.body.id).expect(200)).body.toString()).toBe('from the agent');
    });

    it('lists only the ticket’s own files, not those of its messages', async () => {
      const ticketId = await ticketOf(client);
      const message = await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'see attached' }).expect(201);
      await upload(client, `messages/${message.body.id}`, PNG, 'on-message.png').expect(201);
      const onTicket = await upload(client, `tickets/${ticketId}`, PNG, 'on-ticket.png').expect(201);
      const list = await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(client.auth).expect(200);
      expect(list.body.items.map((a: { filename: string }) => a.filename)).toEqual([onTicket.body.filename]);
    });

    it('hides another customer’s ticket and its files with 404 and stores nothing for them', async () => {
      const ticketId = await ticketOf(client);
      const file = await upload(client, `tickets/${ticketId}`, PNG, 'private.png').expect(201);
      const before = await rowCount();

      const refused = await upload(stranger, `tickets/${ticketId}`, PNG, 'intruder.png').expect(404);
      expect(refused.body).toMatchObject({ status_code: 404, error: 'not_found', message: 'Ticket not found' });
      await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(stranger.auth).expect(404);
      const hidden = await download(stranger, file.body.id).expect(404);
      expect(JSON.parse((hidden.body as Buffer).toString())).toMatchObject({ error: 'not_found', message: 'Attachment not found' });
      expect(await rowCount()).toBe(before);

      await upload(client, 'tickets/99999999', PNG, 'nowhere.png').expect(404);
      await t.http.get('/api/v1/attachments/ticket/99999999').set(agent.auth).expect(404);
      await t.http.get('/api/v1/attachments/ticket/abc').set(agent.auth).expect(422);
    });

    it('keeps the message attachments’ rules: size (413), a file required (422), not JSON (415), count per ticket (409)', async () => {
      const ticketId = await ticketOf(client);
      const before = await rowCount();
      const tooBig = await upload(client, `tickets/${ticketId}`, randomBytes(t.config.uploadMaxBytes + 1), 'big.bin').expect(413);
      expect(tooBig.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
      const noFile = await t.http.post(`/api/v1/tickets/${ticketId}/attachments`).set(client.auth).field('file', 'x').expect(422);
      expect(noFile.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'file', problems: ['required'] }] });
      await t.http.post(`/api/v1/tickets/${ticketId}/attachments`).set(client.auth).send({ file: 'aGVsbG8=' }).expect(415);
      await t.http.post(`/api/v1/tickets/${ticketId}/attachments`).attach('file', PNG, 'x.png').expect(401);
      expect(await rowCount()).toBe(before);

      for (let i = 0; i < t.config.uploadMaxFiles; i += 1) await upload(client, `tickets/${ticketId}`, Buffer.from(`file ${i}`), `${i}.txt`).expect(201);
      const full = await upload(client, `tickets/${ticketId}`, PNG, 'one-more.png').expect(409);
      expect(full.body).toMatchObject({ status_code: 409, error: 'conflict' });
    });

    it('takes no new files on a closed ticket', async () => {
      const ticketId = (await createTicket(t.db, { clientId: client.user.id, status: 'closed', resolvedAt: new Date(), closedAt: new Date() })).id;
      const refused = await upload(client, `tickets/${ticketId}`, PNG, 'late.png').expect(409);
      expect(refused.body).toMatchObject({ status_code: 409, error: 'conflict' });
    });

    it('allows exactly one parent per attachment in the database', async () => {
      const ticketId = await ticketOf(client);
      const both = t.db.query(
        `INSERT INTO attachments (ticket_id, note_id, filename, content_type, size, sha256, storage_key)
         VALUES ($1, NULL, 'x', 'text/plain', 1, $2, 'k-both'), ($1, $1, 'x', 'text/plain', 1, $2, 'k-two')`,
        [ticketId, sha256(PNG)],
      );
      await expect(both).rejects.toThrow(/attachments_one_parent_check/);
      const none = t.db.query(`INSERT INTO attachments (filename, content_type, size, sha256, storage_key) VALUES ('x', 'text/plain', 1, $1, 'k-none')`, [sha256(PNG)]);
      await expect(none).rejects.toThrow(/attachments_one_parent_check/);
    });
  });

  describe('DELETE /attachments/:id', () => {
    it('lets the uploader delete its file: row and bytes gone, then 404', async () => {
      const ticketId = await ticketOf(client);
      const file = await upload(client, `tickets/${ticketId}`, PNG, 'oops.png').expect(201);
      const path = await pathOf(file.body.id);
      expect(await exists(path)).toBe(true);

      const res = await remove(client, file.body.id).expect(204);
      expect(res.text).toBe('');
      expect(await t.db.query('SELECT id FROM attachments WHERE id = $1', [file.body.id])).toEqual([]);
      expect(await exists(path)).toBe(false);
      await download(client, file.body.id).expect(404);
      await remove(client, file.body.id).expect(404);
      expect((await t.http.get(`/api/v1/attachments/ticket/${ticketId}`).set(client.auth).expect(200)).body.items).toEqual([]);
    });

    it('lets an agent or an admin delete anyone’s file, on a message, a note or a ticket', async () => {
      const ticketId = await ticketOf(client);
      const message = await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'file attached' }).expect(201);
      const note = await t.http.post(`/api/v1/tickets/${ticketId}/notes`).set(agent.auth).send({ content: 'internal' }).expect(201);
      const onMessage = await upload(client, `messages/${message.body.id}`, PNG, 'm.png').expect(201);
      const onNote = await upload(admin, `notes/${note.body.id}`, PNG, 'n.png').expect(201);
      const onTicket = await upload(client, `tickets/${ticketId}`, PNG, 't.png').expect(201);
      const paths = await Promise.all([onMessage, onNote, onTicket].map((r) => pathOf(r.body.id)));

      await remove(agent, onMessage.body.id).expect(204);
      await remove(agent, onNote.body.id).expect(204);
      await remove(admin, onTicket.body.id).expect(204);
      for (const path of paths) expect(await exists(path)).toBe(false);
      expect(await t.db.query('SELECT id FROM attachments WHERE id = ANY($1)', [[onMessage.body.id, onNote.body.id, onTicket.body.id]])).toEqual([]);
      // The message and the note stay.
      await t.http.get(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).expect(200);
      expect((await t.http.get(`/api/v1/tickets/${ticketId}/notes`).set(agent.auth).expect(200)).body.items).toHaveLength(1);
    });

    it('refuses a customer who may see the file but did not upload it with 403, and keeps the file', async () => {
      const ticketId = await ticketOf(client);
      const agentsFile = await upload(agent, `tickets/${ticketId}`, PNG, 'from-agent.png').expect(201);
      const refused = await remove(client, agentsFile.body.id).expect(403);
      expect(refused.body).toMatchObject({ status_code: 403, error: 'forbidden' });
      expect(await exists(await pathOf(agentsFile.body.id))).toBe(true);
      await download(client, agentsFile.body.id).expect(200);
    });

    it('answers 404 to a customer who may not see the file, and for a note’s file, and keeps it', async () => {
      const ticketId = await ticketOf(client);
      const file = await upload(client, `tickets/${ticketId}`, PNG, 'private.png').expect(201);
      const hidden = await remove(stranger, file.body.id).expect(404);
      expect(hidden.body).toMatchObject({ status_code: 404, error: 'not_found', message: 'Attachment not found' });

      const note = await t.http.post(`/api/v1/tickets/${ticketId}/notes`).set(agent.auth).send({ content: 'internal' }).expect(201);
      const noteFile = await upload(agent, `notes/${note.body.id}`, PNG, 'internal.png').expect(201);
      await remove(client, noteFile.body.id).expect(404);

      expect(await exists(await pathOf(file.body.id))).toBe(true);
      expect(await exists(await pathOf(noteFile.body.id))).toBe(true);
      await remove(agent, 99999999).expect(404);
      await t.http.delete('/api/v1/attachments/0x10').set(agent.auth).expect(422);
      await t.http.delete(`/api/v1/attachments/${file.body.id}`).expect(401);
    });

    it('keeps a customer’s own files on a closed ticket (409); an agent may still delete them', async () => {
      const ticketId = await ticketOf(client);
      const file = await upload(client, `tickets/${ticketId}`, PNG, 'kept.png').expect(201);
      await t.db.query(`UPDATE tickets SET status = 'closed', resolved_at = now(), closed_at = now() WHERE id = $1`, [ticketId]);
      const refused = await remove(client, file.body.id).expect(409);
      expect(refused.body).toMatchObject({ status_code: 409, error: 'conflict' });
      await remove(agent, file.body.id).expect(204);
    });
  });
});

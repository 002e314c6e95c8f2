import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { JobLock } from '#src/common/database/advisory-locks.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { binary, PNG, sha256 } from './utils/files.js';
import { waitFor } from './utils/wait.js';
import { storedZip } from './utils/zip.js';

const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');

/** Every file under a folder, as paths relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

describe('attachments', () => {
  let t: TestApp;
  let client: SignedInUser;
  let stranger: SignedInUser;
  let agent: SignedInUser;
  /**
   * A folder of this file's own holding the upload folder, so tests can look around the upload
   * folder without scanning the shared temporary folder, where other test files (and PostgreSQL)
   * create and remove folders all the time.
   */
  let sandbox: string;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'attachments-e2e-'));
    t = await createTestApp({ AUTO_ASSIGN: 'false', UPLOAD_MAX_BYTES: String(64 * 1024), UPLOAD_MAX_FILES: '3', UPLOAD_DIR: join(sandbox, 'uploads') });
    client = await signedIn(t);
    stranger = await signedIn(t);
    agent = await signedIn(t, { role: 'agent' });
  });
  afterAll(async () => {
    await t.close();
    await rm(sandbox, { recursive: true, force: true });
  });

  async function messageOf(owner: SignedInUser): Promise<{ ticketId: number; messageId: number }> {
    const ticket = await createTicket(t.db, { clientId: owner.user.id });
    const res = await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(owner.auth).send({ content: 'See the file' }).expect(201);
    return { ticketId: ticket.id, messageId: res.body.id };
  }

  async function noteOn(ticketId: number): Promise<number> {
    const res = await t.http.post(`/api/v1/tickets/${ticketId}/notes`).set(agent.auth).send({ content: 'internal' }).expect(201);
    return res.body.id;
  }

  const upload = (who: SignedInUser, path: string, bytes: Buffer, filename: string, contentType = 'application/octet-stream') =>
    t.http.post(`/api/v1/${path}/attachments`).set(who.auth).attach('file', bytes, { filename, contentType });

  const download = (who: SignedInUser, id: number) => t.http.get(`/api/v1/attachments/${id}/content`).set(who.auth).buffer(true).parse(binary);

  const rowCount = async () => Number((await t.db.query('SELECT count(*) AS n FROM attachments'))[0].n);

  it('stores an upload and gives back the same bytes', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, PNG, 'photo.png', 'image/png').expect(201);
    expect(res.body).toMatchObject({ filename: 'photo.png', content_type: 'image/png', size: PNG.length, sha256: sha256(PNG), message_id: messageId });
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['id', 'filename', 'content_type', 'size', 'sha256']));

    const file = await download(client, res.body.id).expect(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-length']).toBe(String(PNG.length));
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toBe('inline; filename=photo.png');

    // The agent on the ticket sees it too.
    const asAgent = await download(agent, res.body.id).expect(200);
    expect(sha256(asAgent.body as Buffer)).toBe(sha256(PNG));
  });

  it('streams a larger file intact, hashed while it arrived, and answers Range requests', async () => {
    const { messageId } = await messageOf(client);
    // Random bytes behind a fixed prefix: random bytes alone sometimes start like an MP3 frame.
    const bytes = Buffer.concat([Buffer.from('support-dump-v1\n'), randomBytes(60 * 1024)]);
    const res = await upload(client, `messages/${messageId}`, bytes, 'dump.bin').expect(201);
    expect(res.body).toMatchObject({ size: bytes.length, sha256: sha256(bytes), content_type: 'application/octet-stream' });

    const whole = await download(client, res.body.id).expect(200);
    expect(Buffer.compare(whole.body as Buffer, bytes)).toBe(0);
    expect(whole.headers['accept-ranges']).toBe('bytes');

    const part = await download(client, res.body.id).set('Range', 'bytes=1000-1999').expect(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect(Buffer.compare(part.body as Buffer, bytes.subarray(1000, 2000))).toBe(0);

    const outside = await t.http.get(`/api/v1/attachments/${res.body.id}/content`).set(client.auth).set('Range', `bytes=${bytes.length + 10}-`).expect(416);
    expect(outside.body).toMatchObject({ status_code: 416, error: 'range_not_satisfiable' });
    expect(outside.headers['content-range']).toBe(`bytes */${bytes.length}`);
  });

  it('lists the files of a message and of a note', async () => {
    const { ticketId, messageId } = await messageOf(client);
    const noteId = await noteOn(ticketId);
    const a = await upload(client, `messages/${messageId}`, Buffer.from('first'), 'a.txt').expect(201);
    const b = await upload(agent, `messages/${messageId}`, Buffer.from('second'), 'b.txt').expect(201);
    const n = await upload(agent, `notes/${noteId}`, PNG, 'internal.png').expect(201);
    expect(n.body).toMatchObject({ note_id: noteId, message_id: null, uploader_id: agent.user.id });

    const forMessage = await t.http.get(`/api/v1/attachments/message/${messageId}`).set(client.auth).expect(200);
    expect(forMessage.body.items.map((x: { id: number }) => x.id)).toEqual([a.body.id, b.body.id]);
    expect(forMessage.body.items[0]).toMatchObject({ filename: 'a.txt', content_type: 'text/plain', size: 5, uploader_id: client.user.id });
    expect(forMessage.body.next_cursor).toBeNull();

    const forNote = await t.http.get(`/api/v1/attachments/note/${noteId}`).set(agent.auth).expect(200);
    expect(forNote.body.items.map((x: { id: number }) => x.id)).toEqual([n.body.id]);
  });

  it('keeps only a clean base name and stores the bytes under a random key inside the upload folder', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, Buffer.from('root:x:0:0'), '../../../etc/passwd.txt').expect(201);
    expect(res.body.filename).toBe('passwd.txt');
    const [row] = await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [res.body.id]);
    expect(row.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
    expect(row.storage_key).not.toContain('passwd');
    expect(await filesUnder(t.config.uploadDir)).toContain(row.storage_key);

    const windows = await upload(client, `messages/${messageId}`, Buffer.from('x'), '..\\..\\boot.ini').expect(201);
    expect(windows.body.filename).toBe('boot.ini');
    const dots = await upload(client, `messages/${messageId}`, Buffer.from('x'), '..').expect(201);
    expect(dots.body.filename).toBe('attachment');
    // Nothing was written beside the upload folder, nor where the names point.
    expect((await filesUnder(sandbox)).filter((f) => !f.startsWith('uploads/'))).toEqual([]);
    for (const name of ['../../../etc/passwd.txt', '../../boot.ini']) {
      await expect(stat(resolve(t.config.uploadDir, name))).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('serves HTML as a download with nosniff, whatever the upload claimed', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, HTML, 'page.html', 'text/html').expect(201);
    expect(res.body.content_type).toBe('text/html');
    const file = await download(client, res.body.id).expect(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename=page.html');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toContain('sandbox');
  });

  it('detects the type from the bytes when the declared type lies', async () => {
    const { messageId } = await messageOf(client);
    // A page dressed up as a picture: stored and served as HTML, as a download.
    const disguised = await upload(client, `messages/${messageId}`, HTML, 'cat.png', 'image/png').expect(201);
    expect(disguised.body.content_type).toBe('text/html');
    const file = await download(client, disguised.body.id).expect(200);
    expect(file.headers['content-type']).toMatch(/^text\/html/);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);

    // A picture declared as a page: it is a picture.
    const png = await upload(client, `messages/${messageId}`, PNG, 'image.png', 'text/html').expect(201);
    expect(png.body.content_type).toBe('image/png');

    // SVG can carry script: never inline.
    const svg = await upload(agent, `messages/${messageId}`, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.svg', 'image/png').expect(201);
    expect(svg.body.content_type).toBe('image/svg+xml');
    expect((await download(client, svg.body.id).expect(200)).headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('keeps the declared type of a passive text file, and never calls bytes that are not text text/plain', async () => {
    const { messageId } = await messageOf(client);
    const json = await upload(client, `messages/${messageId}`, Buffer.from('{"order": 5, "items": []}\n'), 'd.json', 'application/json').expect(201);
    expect(json.body.content_type).toBe('application/json');
    const jsonFile = await download(client, json.body.id).expect(200);
    expect(jsonFile.headers['content-type']).toBe('application/json');
    expect(jsonFile.headers['content-disposition']).toBe('inline; filename=d.json');

    const csv = await upload(client, `messages/${messageId}`, Buffer.from('id,total\n1,5.00\n'), 'orders.csv', 'text/csv').expect(201);
    expect(csv.body.content_type).toBe('text/csv');
    expect((await download(client, csv.body.id).expect(200)).headers['content-type']).toBe('text/csv; charset=utf-8');

    const { messageId: second } = await messageOf(client);
    const ones = await upload(client, `messages/${second}`, Buffer.alloc(64, 0x01), 'blob.bin', 'application/octet-stream').expect(201);
    expect(ones.body.content_type).toBe('application/octet-stream');
    expect((await download(client, ones.body.id).expect(200)).headers['content-disposition']).toBe('attachment; filename=blob.bin');
    // Labelled as text, still not text.
    const labelled = await upload(client, `messages/${second}`, Buffer.alloc(64, 0x01), 'blob.txt', 'text/plain').expect(201);
    expect(labelled.body.content_type).toBe('application/octet-stream');

    const pdf = await upload(client, `messages/${second}`, Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1'), 'invoice.pdf', 'application/pdf').expect(201);
    expect(pdf.body.content_type).toBe('application/pdf');
  });

  it('keeps no declared type a browser would render or run', async () => {
    const { messageId } = await messageOf(client);
    // A page labelled as JSON is a page, and downloads.
    const page = await upload(client, `messages/${messageId}`, HTML, 'd.json', 'application/json').expect(201);
    expect(page.body.content_type).toBe('text/html');
    expect((await download(client, page.body.id).expect(200)).headers['content-disposition']).toMatch(/^attachment;/);
    // Plain text labelled as a page or a script is plain text.
    const asHtml = await upload(client, `messages/${messageId}`, Buffer.from('just words'), 'a.txt', 'text/html').expect(201);
    expect(asHtml.body.content_type).toBe('text/plain');
    const asScript = await upload(client, `messages/${messageId}`, Buffer.from('alert(1)'), 'a.txt', 'text/javascript').expect(201);
    expect(asScript.body.content_type).toBe('text/plain');
  });

  it('recognises an Office document whose telling entry lies deep in the archive', async () => {
    const { messageId } = await messageOf(client);
    const types = Buffer.from(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        `<!-- ${'padding '.repeat(800)} -->` +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    );
    const docx = storedZip([
      ['[Content_Types].xml', types],
      ['word/document.xml', Buffer.from('<w:document/>')],
    ]);
    const res = await upload(client, `messages/${messageId}`, docx, 'contract.docx', 'application/zip').expect(201);
    expect(res.body.content_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('gives a non-ASCII name an RFC 6266 filename* with an ASCII fallback', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, Buffer.from('счёт'), 'Счёт №5.txt').expect(201);
    expect(res.body.filename).toBe('Счёт №5.txt');
    const file = await download(client, res.body.id).expect(200);
    expect(file.headers['content-disposition']).toBe(`inline; filename="???? ?5.txt"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20%E2%84%965.txt`);
  });

  it('answers 413 over the size limit and leaves nothing on disk', async () => {
    const { messageId } = await messageOf(client);
    const before = await rowCount();
    const limit = t.config.uploadMaxBytes;

    // Just over: refused while streaming.
    const justOver = await upload(client, `messages/${messageId}`, randomBytes(limit + 1), 'big.bin').expect(413);
    expect(justOver.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
    // Far over: refused on its Content-Length.
    const farOver = await upload(client, `messages/${messageId}`, randomBytes(limit * 4), 'huge.bin').expect(413);
    expect(farOver.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });

    expect(await rowCount()).toBe(before);
    const leftovers = (await filesUnder(t.config.uploadDir)).filter((f) => f.startsWith('.tmp'));
    expect(leftovers).toEqual([]);

    // Exactly the limit is fine.
    await upload(client, `messages/${messageId}`, randomBytes(limit), 'exact.bin').expect(201);
  });

  it('cleans up after a client that hangs up half-way through an upload', async () => {
    const { messageId } = await messageOf(client);
    const before = await rowCount();
    const boundary = 'cut-off-boundary';
    const req = http.request(`${t.baseUrl}/api/v1/messages/${messageId}/attachments`, {
      method: 'POST',
      headers: { ...client.auth, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': '50000' },
    });
    req.on('error', () => undefined); // we hang up ourselves
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.bin"\r\n\r\n`);
    req.write(randomBytes(20_000));
    // Hang up once the server is writing the file, however long it took to get there.
    const tempFiles = async () => (await filesUnder(t.config.uploadDir)).filter((f) => f.startsWith('.tmp'));
    await waitFor(async () => (await tempFiles()).length > 0);
    req.destroy();

    await waitFor(async () => (await tempFiles()).length === 0);
    expect(await rowCount()).toBe(before);
    // The service is fine afterwards.
    await upload(client, `messages/${messageId}`, PNG, 'after.png').expect(201);
  });

  it('stores nothing when the body breaks after the file part, and says so', async () => {
    const { messageId } = await messageOf(client);
    const before = await rowCount();
    const filesBefore = await filesUnder(t.config.uploadDir);
    const boundary = 'no-final-boundary';
    const res = await t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(client.auth)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--${boundary}`)
      .expect(400);
    expect(res.body).toMatchObject({ status_code: 400, error: 'bad_request' });
    expect(await rowCount()).toBe(before);
    expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
  });

  it.each([
    ['cut off in the middle of the file', (b: string) => `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello, and then noth`],
    ['garbage in place of the part headers', (b: string) => `--${b}\r\nGARBAGE\r\n\r\nhello\r\n--${b}--\r\n`],
  ])('answers a multipart body %s with 400 and stores nothing', async (_, body) => {
    const { messageId } = await messageOf(client);
    const before = await rowCount();
    const filesBefore = await filesUnder(t.config.uploadDir);
    const res = await t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(client.auth)
      .set('Content-Type', 'multipart/form-data; boundary=XB')
      .send(body('XB'))
      .expect(400);
    expect(res.body).toMatchObject({ status_code: 400, error: 'bad_request' });
    expect(await rowCount()).toBe(before);
    expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
  });

  it('ignores text after the closing boundary (the epilogue, RFC 2046) and stores the file once', async () => {
    const { messageId } = await messageOf(client);
    const body = `--XB\r\nContent-Disposition: form-data; name="file"; filename="e.txt"\r\n\r\nhello\r\n--XB--\r\nGARBAGE AFTER THE END`;
    const res = await t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(client.auth)
      .set('Content-Type', 'multipart/form-data; boundary=XB')
      .send(body)
      .expect(201);
    expect(res.body).toMatchObject({ filename: 'e.txt', size: 5 });
    const list = await t.http.get(`/api/v1/attachments/message/${messageId}`).set(client.auth).expect(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('answers conditional downloads it cannot satisfy with 412, not 500', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, PNG, 'cond.png').expect(201);
    const refused = await t.http.get(`/api/v1/attachments/${res.body.id}/content`).set(client.auth).set('If-Match', '"nope"').expect(412);
    expect(refused.body).toMatchObject({ status_code: 412, error: 'precondition_failed' });
    expect(refused.headers['content-disposition']).toBeUndefined();
  });

  it('treats If-Match: * as matching an existing file (RFC 9110), whole or by range', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, PNG, 'any.png', 'image/png').expect(201);
    const whole = await download(client, res.body.id).set('If-Match', '*').expect(200);
    expect(whole.body.equals(PNG)).toBe(true);
    const part = await download(client, res.body.id).set('If-Match', '*').set('Range', 'bytes=0-7').expect(206);
    expect(part.body.equals(PNG.subarray(0, 8))).toBe(true);
    await download(client, res.body.id).set('If-Match', '"nope", "other"').expect(412);
  });

  it('lets only the author of a message (or an agent) attach to it: a client gets 403 before the body is read', async () => {
    const { ticketId, messageId: own } = await messageOf(client);
    const reply = await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(agent.auth).send({ content: 'Here is how' }).expect(201);
    const before = await rowCount();
    const filesBefore = await filesUnder(t.config.uploadDir);
    // Larger than UPLOAD_MAX_BYTES: a 403 rather than a 413 shows the check came before the bytes.
    const refused = await upload(client, `messages/${reply.body.id}`, randomBytes(80 * 1024), 'big.bin').expect(403);
    expect(refused.body).toMatchObject({ status_code: 403, error: 'forbidden', details: [], request_id: expect.any(String) });
    expect(await rowCount()).toBe(before);
    expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
    // Another customer still cannot tell the message exists.
    await upload(stranger, `messages/${reply.body.id}`, PNG, 'x.png').expect(404);
    await upload(agent, `messages/${own}`, PNG, 'by-agent.png').expect(201);
    await upload(agent, `messages/${reply.body.id}`, PNG, 'agent-reply.png').expect(201);
    await upload(client, `messages/${own}`, PNG, 'own.png').expect(201);
  });

  it('takes no new files on the messages of a closed ticket', async () => {
    const { ticketId, messageId } = await messageOf(client);
    await t.http.patch(`/api/v1/tickets/${ticketId}`).set(agent.auth).send({ status: 'closed' }).expect(200);
    const res = await upload(client, `messages/${messageId}`, PNG, 'late.png').expect(409);
    expect(res.body).toMatchObject({ error: 'conflict' });
  });

  it('limits the number of files on one message', async () => {
    const { messageId } = await messageOf(client);
    for (let i = 0; i < t.config.uploadMaxFiles; i += 1) await upload(client, `messages/${messageId}`, Buffer.from(`f${i}`), `f${i}.txt`).expect(201);
    const filesBefore = (await filesUnder(t.config.uploadDir)).length;
    const res = await upload(client, `messages/${messageId}`, Buffer.from('one too many'), 'extra.txt').expect(409);
    expect(res.body).toMatchObject({ error: 'conflict' });
    expect((await filesUnder(t.config.uploadDir)).length).toBe(filesBefore);
  });

  it('refuses requests without a file, or not multipart', async () => {
    const { messageId } = await messageOf(client);
    const noFile = await t.http.post(`/api/v1/messages/${messageId}/attachments`).set(client.auth).field('file', 'hello').expect(422);
    expect(noFile.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'file', problems: ['required'] }] });
    const wrongField = await t.http.post(`/api/v1/messages/${messageId}/attachments`).set(client.auth).attach('upload', PNG, 'x.png').expect(422);
    expect(wrongField.body.error).toBe('validation_failed');
    const json = await t.http.post(`/api/v1/messages/${messageId}/attachments`).set(client.auth).send({ file: 'aGVsbG8=' }).expect(415);
    expect(json.body).toMatchObject({ status_code: 415, error: 'unsupported_media_type' });
    const broken = await t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(client.auth)
      .set('Content-Type', 'multipart/form-data')
      .send('garbage')
      .expect(400);
    expect(broken.body.error).toBe('bad_request');
    await t.http.post('/api/v1/messages/abc/attachments').set(client.auth).attach('file', PNG, 'x.png').expect(422);
    await t.http.post('/api/v1/messages/99999999/attachments').set(client.auth).attach('file', PNG, 'x.png').expect(404);
    await t.http.post(`/api/v1/messages/${messageId}/attachments`).attach('file', PNG, 'x.png').expect(401);
  });

  it('takes one file per request and stores nothing when a second one comes', async () => {
    const { messageId } = await messageOf(client);
    const before = await rowCount();
    const filesBefore = await filesUnder(t.config.uploadDir);
    const two = await t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(client.auth)
      .attach('file', PNG, 'one.png')
      .attach('file', PNG, 'two.png')
      .expect(400);
    expect(two.body).toMatchObject({ status_code: 400, error: 'bad_request' });
    expect(await rowCount()).toBe(before);
    expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
  });

  describe('refuses fields other than file, as JSON bodies refuse unknown fields', () => {
    const unknownFoo = { field: 'foo', problems: ['property foo should not exist'] };

    /** Each multipart route, as `[name, path]` for the caller (the client; an agent for notes). */
    async function routes(): Promise<[string, string, SignedInUser][]> {
      const { ticketId, messageId } = await messageOf(client);
      return [
        ['a message', `/api/v1/messages/${messageId}/attachments`, client],
        ['a note', `/api/v1/notes/${await noteOn(ticketId)}/attachments`, agent],
        ['a ticket', `/api/v1/tickets/${ticketId}/attachments`, client],
        ['a coming message (?for=message)', `/api/v1/tickets/${ticketId}/attachments?for=message`, client],
      ];
    }

    it('answers 422 naming the field, in the shape a JSON body gets', async () => {
      const { ticketId } = await messageOf(client);
      const json = await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'hi', foo: 'bar' }).expect(422);
      expect(json.body.details).toEqual([unknownFoo]);

      const res = await t.http.post(`/api/v1/tickets/${ticketId}/attachments`).set(client.auth).attach('file', PNG, 'a.png').field('foo', 'bar').expect(422);
      expect(res.body).toEqual({ status_code: 422, error: 'validation_failed', message: expect.any(String), details: [unknownFoo], request_id: res.headers['x-request-id'] });
    });

    it.each([
      ['after the file', (r: ReturnType<typeof t.http.post>, bytes: Buffer) => r.attach('file', bytes, 'a.bin').field('foo', 'bar')],
      ['before the file', (r: ReturnType<typeof t.http.post>, bytes: Buffer) => r.field('foo', 'bar').attach('file', bytes, 'a.bin')],
    ])('refuses a field %s on every upload route and keeps neither a row nor a file', async (_, build) => {
      for (const [name, path, who] of await routes()) {
        const before = await rowCount();
        const filesBefore = await filesUnder(t.config.uploadDir);
        // Near the size limit: a field after it may be parsed while the file is still being written.
        const bytes = randomBytes(t.config.uploadMaxBytes - 1024);
        const res = await build(t.http.post(path).set(who.auth), bytes);
        expect([name, res.status, res.body.details]).toEqual([name, 422, [unknownFoo]]);
        expect(await rowCount()).toBe(before);
        expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
        // The same upload without the field is taken.
        const ok = await t.http.post(path).set(who.auth).attach('file', bytes, 'a.bin');
        expect([name, ok.status]).toEqual([name, 201]);
      }
    });

    it('names every unknown field, and the missing file when none came', async () => {
      const { messageId } = await messageOf(client);
      const path = `/api/v1/messages/${messageId}/attachments`;
      const before = await rowCount();
      const filesBefore = await filesUnder(t.config.uploadDir);

      const two = await t.http.post(path).set(client.auth).attach('file', PNG, 'a.png').field('foo', 'bar').field('bar', 'baz').expect(422);
      expect(two.body.details).toEqual([unknownFoo, { field: 'bar', problems: ['property bar should not exist'] }]);
      const noFile = await t.http.post(path).set(client.auth).field('foo', 'bar').expect(422);
      expect(noFile.body.details).toEqual([unknownFoo, { field: 'file', problems: ['required'] }]);
      // A file in another field is a field the upload does not take.
      const otherFile = await t.http.post(path).set(client.auth).attach('upload', PNG, 'a.png').expect(422);
      expect(otherFile.body.details).toEqual([{ field: 'upload', problems: ['property upload should not exist'] }, { field: 'file', problems: ['required'] }]);
      const fieldThenOtherFile = await t.http.post(path).set(client.auth).field('foo', 'bar').attach('upload', PNG, 'a.png').expect(422);
      expect(fieldThenOtherFile.body.details).toEqual([unknownFoo, { field: 'upload', problems: ['property upload should not exist'] }, { field: 'file', problems: ['required'] }]);

      expect(await rowCount()).toBe(before);
      expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
    });

    it('still answers a second file part (an empty file input in another field too) with 400 and keeps nothing', async () => {
      const { messageId } = await messageOf(client);
      const before = await rowCount();
      const filesBefore = await filesUnder(t.config.uploadDir);
      const path = `/api/v1/messages/${messageId}/attachments`;
      const two = await t.http.post(path).set(client.auth).attach('file', PNG, 'one.png').attach('file', PNG, 'two.png').field('foo', 'bar').expect(400);
      expect(two.body).toMatchObject({ status_code: 400, error: 'bad_request' });
      // An empty file input in another field (filename="") is a file part too: a second one, either side of the file.
      const part = (name: string, filename: string, content: string) =>
        `--XB\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;
      for (const body of [`${part('extra', '', '')}${part('file', 'a.txt', 'hello')}--XB--\r\n`, `${part('file', 'a.txt', 'hello')}${part('extra', '', '')}--XB--\r\n`]) {
        const empty = await t.http.post(path).set(client.auth).set('Content-Type', 'multipart/form-data; boundary=XB').send(body).expect(400);
        expect(empty.body).toMatchObject({ status_code: 400, error: 'bad_request' });
      }
      expect(await rowCount()).toBe(before);
      expect(await filesUnder(t.config.uploadDir)).toEqual(filesBefore);
    });
  });

  it('hides another customer’s files with 404 and stores nothing for them', async () => {
    const { messageId } = await messageOf(client);
    const mine = await upload(client, `messages/${messageId}`, PNG, 'mine.png').expect(201);
    const before = await rowCount();
    const hidden = await t.http.get(`/api/v1/attachments/${mine.body.id}/content`).set(stranger.auth).expect(404);
    expect(hidden.body).toMatchObject({ status_code: 404, error: 'not_found' });
    await t.http.get(`/api/v1/attachments/message/${messageId}`).set(stranger.auth).expect(404);
    await upload(stranger, `messages/${messageId}`, PNG, 'intruder.png').expect(404);
    expect(await rowCount()).toBe(before);
    await t.http.get('/api/v1/attachments/99999999/content').set(client.auth).expect(404);
  });

  it('keeps notes and their files from customers', async () => {
    const { ticketId } = await messageOf(client);
    const noteId = await noteOn(ticketId);
    const file = await upload(agent, `notes/${noteId}`, Buffer.from('internal only'), 'secret.txt').expect(201);
    await download(client, file.body.id).expect(404);
    await t.http.get(`/api/v1/attachments/note/${noteId}`).set(client.auth).expect(404);
    await upload(client, `notes/${noteId}`, PNG, 'x.png').expect(404);
    expect((await download(agent, file.body.id).expect(200)).body.toString()).toBe('internal only');
  });

  it('deletes the files of a deleted message or note, rows and bytes', async () => {
    const { ticketId, messageId } = await messageOf(client);
    const noteId = await noteOn(ticketId);
    const onMessage = await upload(client, `messages/${messageId}`, PNG, 'a.png').expect(201);
    const onNote = await upload(agent, `notes/${noteId}`, PNG, 'b.png').expect(201);
    const keys = (await t.db.query('SELECT storage_key FROM attachments WHERE id = ANY($1) ORDER BY id', [[onMessage.body.id, onNote.body.id]])).map(
      (r: { storage_key: string }) => r.storage_key,
    );
    expect(await filesUnder(t.config.uploadDir)).toEqual(expect.arrayContaining(keys));

    await t.http.delete(`/api/v1/messages/${messageId}`).set(agent.auth).expect(204);
    await t.http.delete(`/api/v1/notes/${noteId}`).set(agent.auth).expect(204);

    expect(await t.db.query('SELECT id FROM attachments WHERE id = ANY($1)', [[onMessage.body.id, onNote.body.id]])).toEqual([]);
    const files = await filesUnder(t.config.uploadDir);
    for (const key of keys) expect(files).not.toContain(key);
    await download(agent, onMessage.body.id).expect(404);
  });

  it('answers 404 (not 500) when a file has gone missing from disk', async () => {
    const { messageId } = await messageOf(client);
    const res = await upload(client, `messages/${messageId}`, PNG, 'gone.png').expect(201);
    const [row] = await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [res.body.id]);
    await rm(join(t.config.uploadDir, row.storage_key));
    const missing = await t.http.get(`/api/v1/attachments/${res.body.id}/content`).set(client.auth).expect(404);
    expect(missing.body).toMatchObject({ status_code: 404, error: 'not_found' });
    expect(JSON.stringify(missing.body)).not.toContain(t.config.uploadDir);
  });

  it('sweeps files without rows once they are older than the grace period', async () => {
    const { messageId } = await messageOf(client);
    const kept = await upload(client, `messages/${messageId}`, PNG, 'kept.png').expect(201);
    const [row] = await t.db.query('SELECT storage_key FROM attachments WHERE id = $1', [kept.body.id]);
    const root = t.config.uploadDir;
    const hoursAgo = new Date(Date.now() - 3 * 3600_000);
    const place = async (relativePath: string, modified: Date) => {
      await mkdir(dirname(join(root, relativePath)), { recursive: true });
      await writeFile(join(root, relativePath), 'left behind');
      await utimes(join(root, relativePath), modified, modified);
    };
    const oldOrphan = 'ab/cd/abcd0000000000000000000000000001';
    const freshOrphan = 'ab/cd/abcd0000000000000000000000000002';
    const staleTemp = '.tmp/0123456789abcdef0123456789abcdef';
    await place(oldOrphan, hoursAgo);
    await place(freshOrphan, new Date());
    await place(staleTemp, hoursAgo);
    await utimes(join(root, row.storage_key), hoursAgo, hoursAgo);

    const result = await t.app.get(AttachmentsService).sweepOrphans(new Date());
    expect(result).toMatchObject({ removed: 1, tempRemoved: 1 });

    const files = await filesUnder(root);
    expect(files).not.toContain(oldOrphan);
    expect(files).not.toContain(staleTemp);
    expect(files).toContain(freshOrphan); // may be an upload still in flight
    expect(files).toContain(row.storage_key);
    expect((await stat(join(root, row.storage_key))).size).toBe(PNG.length);
    await download(client, kept.body.id).expect(200);
  });

  it('skips the sweep while another instance is sweeping', async () => {
    const service = t.app.get(AttachmentsService);
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [JobLock.ATTACHMENTS_ORPHAN_SWEEP]);
      expect(await service.sweepOrphans(new Date())).toBeNull();
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [JobLock.ATTACHMENTS_ORPHAN_SWEEP]);
      expect(await service.sweepOrphans(new Date())).toEqual({ removed: 0, tempRemoved: 0 });
    } finally {
      await other.release();
    }
  });
});

import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import pg from 'pg';
import { EmailIngestService, type PollOutcome } from '#src/modules/email-ingest/email-ingest.service.js';
import { createUser, signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { IMAP_USER, mail, TestImapServer } from './utils/imap-server.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { next, request, socketPool } from './utils/socket.js';
import { createTestDatabase } from './utils/test-db.js';
import { waitFor } from './utils/wait.js';

/** A MIME mail built as a mail client would (attachments, HTML, inline images). */
function composed(options: Mail.Options): Promise<Buffer> {
  return new MailComposer({ to: IMAP_USER, date: new Date(), ...options }).compile().build();
}

const poll = (t: TestApp): Promise<PollOutcome> => t.app.get(EmailIngestService).poll();

interface TicketRow {
  id: number;
  title: string;
  description: string;
  source: string;
  client_id: number;
  queue_id: number;
  status: string;
  follows_ticket_id: number | null;
}

async function ticketsFrom(t: TestApp, address: string): Promise<TicketRow[]> {
  return (await t.db.query(
    `SELECT t.id, t.title, t.description, t.source, t.client_id, t.queue_id, t.status, t.follows_ticket_id
       FROM tickets t JOIN users u ON u.id = t.client_id WHERE u.email = $1 ORDER BY t.id`,
    [address],
  )) as TicketRow[];
}

async function messagesOn(t: TestApp, ticketId: number): Promise<{ content: string; author_id: number; is_from_agent: boolean; id: number }[]> {
  return (await t.db.query(`SELECT id, content, author_id, is_from_agent FROM messages WHERE ticket_id = $1 ORDER BY id`, [ticketId])) as {
    content: string;
    author_id: number;
    is_from_agent: boolean;
    id: number;
  }[];
}

async function mailboxStatus(t: TestApp): Promise<{
  server_messages: number;
  held_messages: number;
  last_poll_result: string;
  last_uid: number;
  counts: { ingested: number; skipped: number; failed: number };
  skipped_by_reason: Record<string, number>;
  failed_by_reason: Record<string, number>;
}> {
  const admin = await signedIn(t, { role: 'admin' });
  return (await t.http.get('/api/v1/email/status').set(admin.auth).expect(200)).body.mailboxes[0];
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}@customer.example.test`;

describe('E-mail: a polled IMAP mailbox becomes tickets and replies', () => {
  let imap: TestImapServer;
  let t: TestApp;

  beforeAll(async () => {
    imap = await TestImapServer.start();
    t = await createTestApp(imap.env({ EMAIL_MAX_BYTES: String(1024 * 1024), UPLOAD_MAX_BYTES: String(512 * 1024) }));
    // The first poll only fixes where the mailbox stands.
    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 0 });
  });

  afterAll(async () => {
    await t?.close();
    await imap?.stop();
  });

  it('turns a new mail into an open ticket in the Email queue, from a contact made for the sender', async () => {
    const from = unique('anna');
    await imap.append(mail({ from: `Anna Petrova <${from}>`, subject: 'Cannot log in', body: 'Hello,\nthe login page says my password is wrong.\n' }));
    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 1, skipped: 0, failed: 0 });

    const [ticket] = await ticketsFrom(t, from);
    expect(ticket).toMatchObject({ title: 'Cannot log in', description: 'Hello,\nthe login page says my password is wrong.', source: 'email', status: 'open' });
    const [queue] = (await t.db.query(`SELECT system_key FROM queues WHERE id = $1`, [ticket.queue_id])) as { system_key: string }[];
    expect(queue.system_key).toBe('email');
    const [client] = (await t.db.query(`SELECT name, role, password_hash FROM users WHERE id = $1`, [ticket.client_id])) as {
      name: string;
      role: string;
      password_hash: string | null;
    }[];
    expect(client).toEqual({ name: 'Anna Petrova', role: 'client', password_hash: null });

    // Agents see it over the API like any ticket.
    const agent = await signedIn(t, { role: 'agent' });
    const res = await t.http.get(`/api/v1/tickets/${ticket.id}`).set(agent.auth).expect(200);
    expect(res.body).toMatchObject({ id: ticket.id, title: 'Cannot log in', client_id: ticket.client_id });
  });

  it('files mail from a known customer under that customer', async () => {
    const customer = await createUser(t.db, { email: unique('known') });
    await imap.append(mail({ from: customer.email, subject: 'Invoice question', body: 'Where is my invoice?' }));
    await poll(t);
    expect((await ticketsFrom(t, customer.email)).map((x) => x.client_id)).toEqual([customer.id]);
  });

  it('takes a mail someone already read in another client, and leaves its flags as they were', async () => {
    const from = unique('seen');
    await imap.append(mail({ from, subject: 'Already read', body: 'Opened on my phone first' }), ['\\Seen']);
    await imap.append(mail({ from, subject: 'Not read yet', body: 'Still unread' }));
    const before = await imap.flags();
    expect(await poll(t)).toMatchObject({ ingested: 2 });
    expect((await ticketsFrom(t, from)).map((x) => x.title)).toEqual(['Already read', 'Not read yet']);
    const after = await imap.flags();
    expect(after).toEqual(before);
    expect([...after.values()].slice(-2)).toEqual([['\\Seen'], []]);
  });

  it('threads a reply by In-Reply-To, by References and by the subject tag, without the quoted history', async () => {
    const from = unique('thread');
    await imap.append(mail({ from, subject: 'Printer broken', body: 'It prints blank pages.', messageId: `first-${from}` }));
    await poll(t);
    const [ticket] = await ticketsFrom(t, from);

    await imap.append(
      mail({
        from,
        subject: 'Re: Printer broken',
        inReplyTo: `<first-${from}>`,
        body: `Also the tray jams.\n\nOn Tue, 1 Dec 2026 at 10:00, ${from} wrote:\n> It prints blank pages.\n`,
        messageId: `second-${from}`,
      }),
    );
    await imap.append(mail({ from, subject: 'Re: Re: Printer broken', references: `<first-${from}> <second-${from}>`, body: 'And it smells of smoke.' }));
    await imap.append(mail({ from, subject: `Re: [#${ticket.id}] Printer broken`, body: 'Any news?\n\n-- \nSent from the train' }));
    expect(await poll(t)).toMatchObject({ ingested: 3 });

    expect(await ticketsFrom(t, from)).toHaveLength(1);
    const messages = await messagesOn(t, ticket.id);
    expect(messages.map((m) => m.content)).toEqual(['Also the tray jams.', 'And it smells of smoke.', 'Any news?']);
    expect(messages.every((m) => m.author_id === ticket.client_id && !m.is_from_agent)).toBe(true);

    // Agents can read the original, quoted history included.
    const agent = await signedIn(t, { role: 'agent' });
    const source = await t.http.get(`/api/v1/email/source/message/${messages[0].id}`).set(agent.auth).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(source.status).toBe(200);
    expect(source.headers['content-type']).toMatch(/^message\/rfc822/);
    expect((source.body as Buffer).toString()).toContain('> It prints blank pages.');
    const customer = await t.http.get(`/api/v1/email/source/message/${messages[0].id}`).set((await signedIn(t)).auth);
    expect(customer.status).toBe(403);
  });

  it('threads replies that arrive in the same poll as the mail they answer, in order', async () => {
    const from = unique('burst');
    const colleague = unique('colleague');
    await imap.append(mail({ from, subject: 'Server down', body: 'Our server is down', messageId: `burst-${from}` }));
    for (let i = 1; i <= 6; i += 1) {
      await imap.append(mail({ from: i % 2 ? colleague : from, subject: 'Re: Server down', inReplyTo: `<burst-${from}>`, body: `Update ${i}` }));
    }
    expect(await poll(t)).toMatchObject({ ingested: 7 });
    const [ticket] = await ticketsFrom(t, from);
    expect(await ticketsFrom(t, colleague)).toHaveLength(0);
    expect((await messagesOn(t, ticket.id)).map((m) => m.content)).toEqual(['Update 1', 'Update 2', 'Update 3', 'Update 4', 'Update 5', 'Update 6']);
  });

  it('does not let a stranger write into a ticket by putting its tag in the subject', async () => {
    const owner = unique('owner');
    await imap.append(mail({ from: owner, subject: 'My order', body: 'Order 42 is late' }));
    await poll(t);
    const [ticket] = await ticketsFrom(t, owner);
    const stranger = unique('stranger');
    await imap.append(mail({ from: stranger, subject: `[#${ticket.id}] My order`, body: 'Let me in' }));
    await poll(t);
    expect(await messagesOn(t, ticket.id)).toHaveLength(0);
    expect(await ticketsFrom(t, stranger)).toHaveLength(1);
  });

  it('reopens a resolved ticket when its customer replies', async () => {
    const from = unique('reopen');
    await imap.append(mail({ from, subject: 'Reset my account', body: 'Please reset it' }));
    await poll(t);
    const [ticket] = await ticketsFrom(t, from);
    await t.db.query(`UPDATE tickets SET status = 'resolved', resolved_at = now() WHERE id = $1`, [ticket.id]);
    await imap.append(mail({ from, subject: `Re: [#${ticket.id}] Reset my account`, body: 'It is broken again' }));
    await poll(t);
    expect((await ticketsFrom(t, from))[0].status).toBe('open');
  });

  it('opens a new ticket linked to the old one for a reply to a ticket closed more than 7 days ago', async () => {
    const from = unique('late');
    await imap.append(mail({ from, subject: 'Old problem', body: 'Something old', messageId: `old-${from}` }));
    await poll(t);
    const [old] = await ticketsFrom(t, from);
    await t.db.query(`UPDATE tickets SET status = 'closed', resolved_at = now() - interval '9 days', closed_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    await imap.append(mail({ from, subject: 'Re: Old problem', inReplyTo: `<old-${from}>`, body: 'It is back' }));
    await poll(t);
    const [, followUp] = await ticketsFrom(t, from);
    expect(followUp).toMatchObject({ status: 'open', follows_ticket_id: old.id, description: 'It is back' });
    expect(await messagesOn(t, old.id)).toHaveLength(0);
    // Agents and the customer see the link in the ticket itself, as in the list.
    const agent = await signedIn(t, { role: 'agent' });
    expect((await t.http.get(`/api/v1/tickets/${followUp.id}`).set(agent.auth).expect(200)).body).toMatchObject({ follows_ticket_id: old.id });
    const listed = (await t.http.get(`/api/v1/tickets?client_id=${followUp.client_id}`).set(agent.auth).expect(200)).body.items;
    expect(listed.map((ticket: { id: number; follows_ticket_id: number | null }) => [ticket.id, ticket.follows_ticket_id])).toEqual([
      [followUp.id, old.id],
      [old.id, null],
    ]);
  });

  it('makes no ticket and no answer for auto-replies, bounces, list mail and our own mail, and counts each reason', async () => {
    const from = unique('away');
    await imap.append(mail({ from, subject: 'Out of office', body: 'I am away', headers: { 'Auto-Submitted': 'auto-replied' } }));
    await imap.append(mail({ from, subject: 'Automatic reply', body: 'Away', headers: { 'X-Autoreply': 'yes' } }));
    await imap.append(mail({ from: 'MAILER-DAEMON@mx.example.test', subject: 'Undelivered Mail Returned to Sender', body: 'The mail could not be delivered' }));
    await imap.append(mail({ from, subject: 'Newsletter', body: 'News', headers: { Precedence: 'bulk' } }));
    await imap.append(
      await composed({
        from: 'postmaster@relay.example.test',
        subject: 'Delivery Status Notification (Failure)',
        text: 'Delivery failed',
      }),
    );
    await imap.append(mail({ from: 'support@localhost', subject: 'Our own confirmation', body: 'Loop?' }));
    expect(await poll(t)).toMatchObject({ ingested: 0, skipped: 6, failed: 0 });
    expect(await ticketsFrom(t, from)).toHaveLength(0);

    const admin = await signedIn(t, { role: 'admin' });
    const status = await t.http.get('/api/v1/email/status').set(admin.auth).expect(200);
    expect(status.body.mailboxes[0].skipped_by_reason).toMatchObject({ auto_submitted: 1, autoreply_header: 1, mailer_daemon: 2, precedence: 1, own_address: 1 });
  });

  it('stores the attachments of a mail, and an inline image, on the new ticket', async () => {
    const from = unique('files');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff3f0005fe02fea7d605bb0000000049454e44ae426082', 'hex');
    await imap.append(
      await composed({
        from,
        subject: 'Screenshots',
        text: 'See attached',
        html: '<p>See attached <img src="cid:shot@x"></p>',
        attachments: [
          { filename: 'report.pdf', content: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') },
          { filename: 'notes.txt', content: 'line one\nline two\n' },
          // Its declared type is kept, as an upload's would be.
          { filename: 'order.json', content: '{"order": 42}\n', contentType: 'application/json' },
          { filename: 'shot.png', content: png, cid: 'shot@x' },
        ],
      }),
    );
    expect(await poll(t)).toMatchObject({ ingested: 1 });
    const [ticket] = await ticketsFrom(t, from);
    expect(ticket.description).toBe('See attached');
    const agent = await signedIn(t, { role: 'agent' });
    const files = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}`).set(agent.auth).expect(200);
    expect(files.body.items.map((f: { filename: string; content_type: string }) => [f.filename, f.content_type]).sort()).toEqual([
      ['notes.txt', 'text/plain'],
      ['order.json', 'application/json'],
      ['report.pdf', 'application/pdf'],
      ['shot.png', 'image/png'],
    ]);
    const txt = files.body.items.find((f: { filename: string }) => f.filename === 'notes.txt') as { id: number };
    const content = await t.http.get(`/api/v1/attachments/${txt.id}/content`).set(agent.auth).expect(200);
    expect(content.text).toBe('line one\nline two\n');
  });

  it('tells the ticket\'s room of a mailed reply\'s files (attachment:new after message:new), as of uploads', async () => {
    const sockets = socketPool(() => t.baseUrl);
    try {
      const from = unique('live-files');
      await imap.append(mail({ from, subject: 'Broken screen', body: 'It flickers', messageId: `live-${from}` }));
      await poll(t);
      const [ticket] = await ticketsFrom(t, from);
      const agent = await sockets.open(await signedIn(t, { role: 'agent' }));
      expect(await request(agent, 'ticket:join', { ticket_id: ticket.id })).toMatchObject({ ok: true });

      const message = next<{ id: number; ticket_id: number }>(agent, 'message:new', (m) => m.ticket_id === ticket.id);
      const file = next<{ ticket_id: number; attachment: { filename: string; message_id: number | null } }>(agent, 'attachment:new', (e) => e.ticket_id === ticket.id);
      await imap.append(
        await composed({
          from,
          subject: 'Re: Broken screen',
          inReplyTo: `<live-${from}>`,
          text: 'A photo of it',
          attachments: [{ filename: 'screen.txt', content: 'flicker log\n' }],
        }),
      );
      expect(await poll(t)).toMatchObject({ ingested: 1 });
      const [sent, announced] = await Promise.all([message, file]);
      expect(announced.attachment).toMatchObject({ filename: 'screen.txt', message_id: sent.id });
    } finally {
      sockets.closeAll();
    }
  });

  it('keeps at most UPLOAD_MAX_FILES of a mail\'s files and names the ones not kept in an internal note', async () => {
    const from = unique('many-files');
    const small = Array.from({ length: 11 }, (_, i) => ({ filename: `part-${String(i + 1).padStart(2, '0')}.txt`, content: `part ${i + 1}\n` }));
    await imap.append(
      await composed({
        from,
        subject: 'All the logs',
        text: 'Here they are',
        // Over UPLOAD_MAX_BYTES (512 KiB here), then one file more than UPLOAD_MAX_FILES (10) allows.
        attachments: [{ filename: 'huge.log', content: Buffer.alloc(600 * 1024, 'a') }, ...small],
      }),
    );
    expect(await poll(t)).toMatchObject({ ingested: 1 });
    const [ticket] = await ticketsFrom(t, from);
    const agent = await signedIn(t, { role: 'agent' });
    const files = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}`).set(agent.auth).expect(200);
    expect(files.body.items.map((f: { filename: string }) => f.filename).sort()).toEqual(small.slice(0, 10).map((f) => f.filename));

    const notes = await t.http.get(`/api/v1/tickets/${ticket.id}/notes`).set(agent.auth).expect(200);
    expect(notes.body.items).toHaveLength(1);
    const [note] = notes.body.items as { content: string; author_type: string }[];
    expect(note.author_type).toBe('system');
    expect(note.content).toContain('huge.log');
    expect(note.content).toContain('part-11.txt');
    expect(note.content).not.toContain('part-10.txt');
  });

  it('counts a mail delivered again (same Message-ID, a new body under a used Message-ID, the same mail without one) as a skipped duplicate', async () => {
    const from = unique('again');
    const before = await mailboxStatus(t);
    const first = mail({ from, subject: 'Only once', body: 'Please answer once', messageId: `again-${from}` });
    await imap.append(first);
    await imap.append(first);
    await imap.append(mail({ from, subject: 'Only once?', body: 'Another body, the same id', messageId: `again-${from}` }));
    const date = new Date();
    await imap.append(mail({ from, subject: 'No id', body: 'same body', messageId: null, date }));
    await imap.append(mail({ from, subject: 'No id', body: 'same body', messageId: null, date }));
    expect(await poll(t)).toMatchObject({ ingested: 2, duplicates: 3 });
    expect((await ticketsFrom(t, from)).map((x) => x.title)).toEqual(['Only once', 'No id']);

    const after = await mailboxStatus(t);
    expect(after.skipped_by_reason.duplicate ?? 0).toBe((before.skipped_by_reason.duplicate ?? 0) + 3);
    expect(after.counts.skipped).toBe(before.counts.skipped + 3);
    expect(after.held_messages - before.held_messages).toBe(5);
    expect(after.server_messages - before.server_messages).toBe(5);
    // Another poll finds nothing new and counts nothing twice.
    expect(await poll(t)).toMatchObject({ ingested: 0, duplicates: 0 });
    expect((await mailboxStatus(t)).skipped_by_reason).toEqual(after.skipped_by_reason);
  });

  it('takes an HTML-only mail as text', async () => {
    const from = unique('html');
    await imap.append(await composed({ from, subject: 'Rich mail', html: '<div><p>First <b>bold</b> line</p><p>Second line</p></div>' }));
    await poll(t);
    expect((await ticketsFrom(t, from))[0].description).toBe('First bold line\n\nSecond line');
  });

  it('records a mail it cannot use as failed, with its reason, and takes the mail after it', async () => {
    const next = unique('after-bad');
    await imap.append('Subject: no sender at all\r\nMessage-ID: <nosender@x>\r\n\r\nWho wrote this?\r\n');
    await imap.append(mail({ from: unique('big'), subject: 'Huge', body: 'x'.repeat(1024 * 1024 + 10) }));
    await imap.append(mail({ from: next, subject: 'After the bad ones', body: 'I am fine' }));
    expect(await poll(t)).toMatchObject({ ingested: 1, failed: 2 });
    expect(await ticketsFrom(t, next)).toHaveLength(1);
    const admin = await signedIn(t, { role: 'admin' });
    const status = await t.http.get('/api/v1/email/status').set(admin.auth).expect(200);
    expect(status.body).toMatchObject({ enabled: false, poll_seconds: 30 });
    expect(status.body.mailboxes[0]).toMatchObject({
      last_poll_result: 'ok',
      failed_by_reason: { no_sender: 1, too_large: 1 },
      last_uid: expect.any(Number),
    });
    expect(status.body.mailboxes[0].server_messages).toBe(status.body.mailboxes[0].held_messages);
  });

  it('answers the status to admins only', async () => {
    await t.http.get('/api/v1/email/status').set((await signedIn(t, { role: 'agent' })).auth).expect(403);
    await t.http.get('/api/v1/email/status').expect(401);
  });
});

describe('E-mail: nothing lost and nothing doubled', () => {
  let imap: TestImapServer;

  beforeAll(async () => {
    imap = await TestImapServer.start();
  });

  afterAll(async () => {
    await imap?.stop();
  });

  it('takes none of the mail a mailbox held before its first poll, and all that comes after', async () => {
    await imap.append(mail({ from: unique('old'), subject: 'Years old', body: 'old mail' }));
    const t = await createTestApp(imap.env());
    try {
      expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 0 });
      const fresh = unique('fresh');
      await imap.append(mail({ from: fresh, subject: 'New', body: 'new mail' }));
      expect(await poll(t)).toMatchObject({ ingested: 1 });
      const [{ count }] = (await t.db.query(`SELECT count(*)::int AS count FROM tickets`)) as { count: number }[];
      expect(count).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('takes the mail since IMAP_SINCE on the first poll when it is set', async () => {
    const from = unique('since');
    await imap.append(mail({ from, subject: 'Arrived before we connected', body: 'Please still answer this' }));
    const today = new Date().toISOString().slice(0, 10);
    const t = await createTestApp(imap.env({ IMAP_SINCE: today }));
    try {
      const outcome = await poll(t);
      expect(outcome.status).toBe('ok');
      expect((await ticketsFrom(t, from)).map((x) => x.title)).toEqual(['Arrived before we connected']);
    } finally {
      await t.close();
    }
  });

  it('rescans a renumbered mailbox (a new UIDVALIDITY) and takes only what it did not hold', async () => {
    const t = await createTestApp(imap.env());
    try {
      await poll(t);
      const from = unique('renumbered');
      await imap.append(mail({ from, subject: 'Before the renumbering', body: 'one' }));
      // The same mail twice, without a Message-ID: the hash of date, sender and body makes it one.
      const date = new Date();
      await imap.append(mail({ from, subject: 'No id', body: 'same body', messageId: null, date }));
      await imap.append(mail({ from, subject: 'No id', body: 'same body', messageId: null, date }));
      expect(await poll(t)).toMatchObject({ ingested: 2, duplicates: 1 });
      // The server renumbered the folder: what we hold (the cursor and each mail's position) no longer matches its UIDVALIDITY.
      await t.db.query(`UPDATE mailboxes SET uid_validity = uid_validity + 1`);
      await t.db.query(`UPDATE inbound_mails SET uid_validity = uid_validity + 1`);
      await imap.append(mail({ from, subject: 'After the renumbering', body: 'two' }));
      const rescan = await poll(t);
      expect(rescan.status).toBe('ok');
      expect(rescan.duplicates).toBeGreaterThanOrEqual(3);
      expect((await ticketsFrom(t, from)).map((x) => x.title)).toEqual(['Before the renumbering', 'No id', 'After the renumbering']);
      // The mail seen again under the new numbering is no new delivery: only the second copy counts as a duplicate.
      expect((await mailboxStatus(t)).skipped_by_reason).toEqual({ duplicate: 1 });
    } finally {
      await t.close();
    }
  });

  it('makes no duplicate over two polls, a restart, and two instances polling at once', async () => {
    const database = await createTestDatabase();
    const first = await createTestApp(imap.env(), database);
    let second: TestApp | null = null;
    try {
      await poll(first);
      const from = unique('dup');
      for (let i = 0; i < 10; i += 1) await imap.append(mail({ from, subject: `Mail ${i}`, body: `Body ${i}` }));
      expect(await poll(first)).toMatchObject({ ingested: 10 });
      expect(await poll(first)).toMatchObject({ ingested: 0, duplicates: 0 });

      // A restart: a new process over the same database carries on where the last one ended.
      await first.close();
      second = await createTestApp(imap.env(), database);
      for (let i = 10; i < 20; i += 1) await imap.append(mail({ from, subject: `Mail ${i}`, body: `Body ${i}` }));
      const third = await createTestApp(imap.env(), database);
      try {
        // Two instances poll at once: one holds the mailbox, the other stands back.
        const outcomes = await Promise.all([poll(second), poll(third)]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'ok']);
        expect(outcomes.reduce((sum, o) => sum + o.ingested, 0)).toBe(10);
        expect(await poll(third)).toMatchObject({ ingested: 0 });
      } finally {
        await third.close();
      }
      const titles = (await ticketsFrom(second, from)).map((x) => x.title);
      expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `Mail ${i}`));
    } finally {
      await second?.close();
      await database.drop();
    }
  });

  it('loses nothing and doubles nothing when the database goes away in the middle of a batch', async () => {
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const t = await createTestApp(imap.env(), { ...database, url: proxy.wrap(database.url) });
    const direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
    const countTickets = async () => Number((await direct.query<{ count: string }>('SELECT count(*) FROM tickets')).rows[0].count);
    try {
      await poll(t);
      const from = unique('outage');
      const total = 60;
      for (let i = 0; i < total; i += 1) await imap.append(mail({ from, subject: `Outage ${i}`, body: `Body ${i}` }));
      const polling = poll(t);
      await waitFor(async () => (await countTickets()) >= 3, 20_000, 5);
      await proxy.stop();
      const cut = await polling;
      expect(cut.status).toBe('failed');
      const before = await countTickets();
      expect(before).toBeLessThan(total);

      await proxy.start();
      await waitFor(async () => (await t.http.get('/health')).status === 200);
      // The next poll takes exactly the mails whose rows had not committed (those of the cut batch
      // that did are known by their UID and not taken again, nor counted as duplicates).
      const resumed = await poll(t);
      expect(resumed).toMatchObject({ status: 'ok', ingested: total - before, duplicates: 0 });
      const { rows } = await direct.query<{ title: string }>('SELECT title FROM tickets ORDER BY id');
      expect(rows.map((r) => r.title)).toEqual(Array.from({ length: total }, (_, i) => `Outage ${i}`));
    } finally {
      await direct.end();
      await t.close();
      await proxy.stop();
      await database.drop();
    }
  });

  it('polls on its own every IMAP_POLL_SECONDS when jobs are on', async () => {
    const t = await createTestApp(imap.env({ CRON_ENABLED: 'true', IMAP_POLL_SECONDS: '1' }));
    try {
      const admin = await signedIn(t, { role: 'admin' });
      await waitFor(async () => (await t.http.get('/api/v1/email/status').set(admin.auth)).body.mailboxes?.[0]?.last_poll_result === 'ok');
      const from = unique('scheduled');
      await imap.append(mail({ from, subject: 'Picked up by the schedule', body: 'No one called poll()' }));
      await waitFor(async () => (await ticketsFrom(t, from)).length === 1);
      const status = await t.http.get('/api/v1/email/status').set(admin.auth).expect(200);
      expect(status.body).toMatchObject({ enabled: true, poll_seconds: 1 });
    } finally {
      await t.close();
    }
  });
});

describe('E-mail: a mail that cannot be downloaded in time holds up no other', () => {
  let imap: TestImapServer;
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    imap = await TestImapServer.start();
    // A poor link: the server's bytes reach the service at 400 KB/s.
    proxy = new TcpProxy(imap.host, imap.port, { bytesPerSecond: 400 * 1024 });
    await proxy.start();
    t = await createTestApp(imap.env({ IMAP_PORT: String(proxy.port), IMAP_TIMEOUT_SECONDS: '5' }));
    expect(await poll(t)).toMatchObject({ status: 'ok' });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await imap?.stop();
  });

  it('takes the mail after a slow one at once, and gives the slow one up as fetch_timeout after three polls', async () => {
    const slow = unique('slow');
    const quick = unique('quick');
    // About 5.5 MB on the wire: some 14 s at 400 KB/s, far over IMAP_TIMEOUT_SECONDS.
    await imap.append(await composed({ from: slow, subject: 'The whole archive', text: 'Attached', attachments: [{ filename: 'archive.bin', content: randomBytes(4 * 1024 * 1024) }] }));
    await imap.append(mail({ from: quick, subject: 'A short question', body: 'Is the shop open today?' }));

    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 1, deferred: 1 });
    expect((await ticketsFrom(t, quick)).map((x) => x.title)).toEqual(['A short question']);
    expect(await mailboxStatus(t)).toMatchObject({ last_poll_result: 'ok', counts: { ingested: 1, skipped: 0, failed: 0 } });

    // The next poll tries the slow one again, and does not take the quick one twice.
    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 0, duplicates: 0, deferred: 1 });
    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 0, failed: 1, deferred: 0 });
    const status = await mailboxStatus(t);
    expect(status).toMatchObject({ last_poll_result: 'ok', failed_by_reason: { fetch_timeout: 1 }, counts: { ingested: 1, failed: 1 } });
    expect(status.held_messages).toBe(status.server_messages);
    expect(await ticketsFrom(t, slow)).toHaveLength(0);

    // Given up for good: later polls neither fetch it nor count anything again.
    const from = unique('later');
    await imap.append(mail({ from, subject: 'Later', body: 'Still there?' }));
    expect(await poll(t)).toMatchObject({ status: 'ok', ingested: 1, failed: 0, deferred: 0 });
    expect((await mailboxStatus(t)).counts).toEqual({ ingested: 2, skipped: 0, failed: 1 });
  }, 120_000);
});

import { OutboxService } from '#src/modules/outbox/outbox.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { createUser, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './utils/smtp-sink.js';
import { waitFor } from './utils/wait.js';

const HOUR_MS = 3_600_000;
/** MAIL_ATTACHMENTS_MAX_BYTES here: small, so one test can pass the bound with a small file. */
const MAX_ATTACHED = 2000;

/**
 * An agent's reply mailed to the customer of an e-mail ticket, as the customer's mail client sees
 * it (a real SMTP server on loopback): the reply's files attached (within MAIL_ATTACHMENTS_MAX_BYTES,
 * the rest named), the replies in the order they were written with the Date they were written, and
 * one `Re:` in the subject.
 */
describe('reply mail', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let agent: SignedInUser;
  let outbox: OutboxService;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Support <support@mail.example.test>',
      MAIL_ATTACHMENTS_MAX_BYTES: String(MAX_ATTACHED),
      AUTO_ASSIGN: 'false',
    });
    outbox = t.app.get(OutboxService);
    agent = await signedIn(t, { role: 'agent', name: 'Alex Agent' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** A customer who gets replies by mail, and their e-mail ticket. */
  const emailCustomer = async (title = 'Printer on fire') => {
    const customer = await createUser(t.db, { password: null, name: 'Casey' });
    const ticket = await createTicket(t.db, { clientId: customer.id, source: 'email', title });
    return { customer, ticket };
  };
  const upload = async (ticketId: number, filename: string, content: Buffer, contentType: string): Promise<number> => {
    const res = await t.http.post(`/api/v1/tickets/${ticketId}/attachments?for=message`).set(agent.auth).attach('file', content, { filename, contentType }).expect(201);
    return res.body.id as number;
  };
  const reply = (ticketId: number, body: { content: string; attachment_ids?: number[] }) =>
    t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(agent.auth).send(body).expect(201);

  describe('files', () => {
    it('attaches the files posted with the reply, byte for byte', async () => {
      const { customer, ticket } = await emailCustomer();
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300, 7), Buffer.from('\n%%EOF\n')]);
      const notes = Buffer.from('Step 1: unplug it.\nStep 2: wait.\n');
      const ids = [await upload(ticket.id, 'manual.pdf', pdf, 'application/pdf'), await upload(ticket.id, 'steps.txt', notes, 'text/plain')];

      const posted = await reply(ticket.id, { content: 'Here is the manual.', attachment_ids: ids });

      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.text).toContain('Here is the manual.');
      expect(mail.text).not.toContain('Too large');
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        ['manual.pdf', 'application/pdf'],
        ['steps.txt', 'text/plain'],
      ]);
      expect(mail.attachments[0].content.equals(pdf)).toBe(true);
      expect(mail.attachments[1].content.equals(notes)).toBe(true);
      // The outbox keeps which files, never their bytes.
      const [row] = (await t.db.query(`SELECT payload FROM outbox WHERE payload->>'to' = $1`, [customer.email])) as { payload: Record<string, unknown> }[];
      expect(row.payload.attachmentIds).toEqual(ids);
      expect(JSON.stringify(row.payload)).not.toContain('unplug');

      // A file added onto the message afterwards stays on the ticket: the mail went with the message as posted.
      await t.http
        .post(`/api/v1/messages/${posted.body.id}/attachments`)
        .set(agent.auth)
        .attach('file', Buffer.from('late\n'), { filename: 'late.txt', contentType: 'text/plain' })
        .expect(201);
      await outbox.drain(new Date(Date.now() + 48 * HOUR_MS));
      expect(smtp.to(customer.email)).toHaveLength(1);
    });

    it('names the files past MAIL_ATTACHMENTS_MAX_BYTES in the mail instead of attaching them', async () => {
      const { customer, ticket } = await emailCustomer();
      const big = Buffer.alloc(MAX_ATTACHED - 100, 'a');
      const ids = [
        await upload(ticket.id, 'big-log.txt', big, 'text/plain'),
        await upload(ticket.id, 'second-big.txt', Buffer.alloc(500, 'b'), 'text/plain'),
        await upload(ticket.id, 'small.txt', Buffer.from('tiny\n'), 'text/plain'),
      ];

      await reply(ticket.id, { content: 'Three files.', attachment_ids: ids });

      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.attachments.map((a) => a.filename)).toEqual(['big-log.txt', 'small.txt']);
      expect(mail.text).toContain(`Too large to attach to this mail, kept on ticket #${ticket.id}: second-big.txt.`);
      expect(mail.html).toContain('second-big.txt');
      // The message itself keeps all three.
      const list = await t.http.get(`/api/v1/attachments/ticket/${ticket.id}/messages`).set(agent.auth).expect(200);
      expect(list.body.items).toHaveLength(3);
    });

    it('attaches the reply’s files to the reply notice of a web ticket too', async () => {
      const customer = await createUser(t.db, { name: 'Wendy' });
      const ticket = await createTicket(t.db, { clientId: customer.id, source: 'web', title: 'Web form' });
      const id = await upload(ticket.id, 'invoice.csv', Buffer.from('n,total\n1,10\n'), 'text/csv');

      await reply(ticket.id, { content: 'Your invoice.', attachment_ids: [id] });

      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.subject).toBe(`[#${ticket.id}] New reply: Web form`);
      expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['invoice.csv', 'n,total\n1,10\n']]);
    });

    it('sends the reply without a file deleted before the mail went out', async () => {
      const { customer, ticket } = await emailCustomer();
      await smtp.stop();
      let ids: number[];
      try {
        ids = [await upload(ticket.id, 'keep.txt', Buffer.from('keep\n'), 'text/plain'), await upload(ticket.id, 'gone.txt', Buffer.from('gone\n'), 'text/plain')];
        await reply(ticket.id, { content: 'Two files, one withdrawn.', attachment_ids: ids });
        await waitFor(async () => {
          const [row] = (await t.db.query(`SELECT attempts FROM outbox WHERE payload->>'to' = $1`, [customer.email])) as { attempts: number }[];
          return row?.attempts === 1;
        });
        await t.http.delete(`/api/v1/attachments/${ids[1]}`).set(agent.auth).expect(204);
      } finally {
        await smtp.start();
      }
      await outbox.drain(new Date(Date.now() + 2 * HOUR_MS));
      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.attachments.map((a) => a.filename)).toEqual(['keep.txt']);
    });
  });

  describe('order', () => {
    const order = (mails: ReceivedMail[]) => mails.map((m) => /reply (\d+)/.exec(m.text)?.[1]);

    it('delivers back-to-back replies in the order they were written, each dated when it was written', async () => {
      const { customer, ticket } = await emailCustomer();
      const posted = await Promise.all(Array.from({ length: 12 }, (_, i) => reply(ticket.id, { content: `reply ${i + 1}` })));
      const written = posted.map((res) => res.body as { id: number; content: string; created_at: string }).sort((a, b) => a.id - b.id);

      const mails = await smtp.waitForMails((m) => m.to === customer.email, 12);
      expect(order(mails)).toEqual(written.map((m) => /reply (\d+)/.exec(m.content)?.[1]));
      // Date: has whole seconds.
      expect(mails.map((m) => m.date?.getTime())).toEqual(written.map((m) => Math.floor(Date.parse(m.created_at) / 1000) * 1000));
    });

    it('keeps the order through an SMTP outage, and the Date of the writing, not of the retry', async () => {
      const { customer, ticket } = await emailCustomer();
      await smtp.stop();
      const written: { created_at: string }[] = [];
      try {
        for (const n of [1, 2, 3]) written.push((await reply(ticket.id, { content: `reply ${n}` })).body);
        await waitFor(async () => {
          const rows = (await t.db.query(`SELECT attempts FROM outbox WHERE payload->>'to' = $1 AND attempts > 0`, [customer.email])) as unknown[];
          return rows.length > 0;
        });
      } finally {
        await smtp.start();
      }
      const retryAt = new Date(Date.now() + 2 * HOUR_MS);
      await outbox.drain(retryAt);

      const mails = await smtp.waitForMails((m) => m.to === customer.email, 3);
      expect(order(mails)).toEqual(['1', '2', '3']);
      expect(mails.map((m) => m.date?.getTime())).toEqual(written.map((m) => Math.floor(Date.parse(m.created_at) / 1000) * 1000));
      const keys = (await t.db.query(`SELECT DISTINCT ordering_key FROM outbox WHERE payload->>'to' = $1`, [customer.email])) as { ordering_key: string }[];
      expect(keys).toEqual([{ ordering_key: `mail:ticket:${ticket.id}:user:${customer.id}` }]);
    });
  });

  describe('subject', () => {
    it.each([
      ['Re: Re: Printer not working', 'Re: Printer not working'],
      ['Re: [#3] We have your request: (no subject)', 'Re: We have your request: (no subject)'],
      ['AW: Fwd: RE: Ответ: Drucker', 'Re: Drucker'],
      ['Printer not working', 'Re: Printer not working'],
    ])('a reply on a ticket titled %j goes out as "[#id] %s"', async (title, expected) => {
      const { customer, ticket } = await emailCustomer(title);
      await reply(ticket.id, { content: 'On it.' });
      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.subject).toBe(`[#${ticket.id}] ${expected}`);
    });
  });
});

import { OutboxService } from '#src/modules/outbox/outbox.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { createUser, DEFAULT_PASSWORD, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { passwordLinkToken, type SmtpSink, startSmtpSink } from './utils/smtp-sink.js';
import { socketPool } from './utils/socket.js';
import { waitFor } from './utils/wait.js';

const NEW_PASSWORD = 'another-horse-43';
const HOUR_MS = 3_600_000;

/**
 * Outbound mail (issue 13) against a real SMTP server on loopback: threaded replies on e-mail
 * tickets, notifications, the outbox's retries through an SMTP outage, the hourly cap, and the
 * password-reset and contact-claim links.
 */
describe('outbound mail', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let agent: SignedInUser;
  let outbox: OutboxService;
  const sockets = socketPool(() => t.baseUrl);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Support <support@mail.example.test>',
      MAIL_AUTO_PER_HOUR: '3',
      PUBLIC_URL: 'https://support.example.test/',
      AUTO_ASSIGN: 'false',
    });
    outbox = t.app.get(OutboxService);
    agent = await signedIn(t, { role: 'agent', name: 'Alex Agent' });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t.close();
    await smtp.stop();
  });

  const reply = (ticketId: number, content: string, who = agent) =>
    t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(who.auth).send({ content }).expect(201);
  const queuedTo = async (address: string): Promise<number> =>
    ((await t.db.query('SELECT count(*)::int AS n FROM mail_log WHERE to_address = $1', [address])) as { n: number }[])[0].n;
  /** An e-mail ticket whose customer's first mail had `inboundId`. */
  const emailTicket = async (clientId: number, inboundId: string) => {
    const ticket = await createTicket(t.db, { clientId, source: 'email', title: 'Printer on fire' });
    await t.db.query(`INSERT INTO email_message_ids (message_id, ticket_id, direction) VALUES ($1, $2, 'in')`, [inboundId, ticket.id]);
    return ticket;
  };
  const online = (user: SignedInUser) => sockets.open(user);

  describe('replies and notifications', () => {
    it('mails an agent’s reply on an e-mail ticket once, threaded to the customer’s mail and tagged [#id]', async () => {
      const customer = await createUser(t.db, { password: null, name: 'Casey' });
      const ticket = await emailTicket(customer.id, 'first-mail@customer.example');

      const posted = await reply(ticket.id, 'Please unplug it <now>.');

      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.subject).toBe(`[#${ticket.id}] Re: Printer on fire`);
      expect(mail.text).toContain('Please unplug it <now>.');
      expect(mail.text).toContain('Alex Agent');
      expect(mail.html).toContain('Please unplug it &lt;now&gt;.');
      expect(mail.inReplyTo).toBe('first-mail@customer.example');
      expect(mail.references).toEqual(['first-mail@customer.example']);
      expect(mail.messageId).toMatch(/@mail\.example\.test$/);
      expect(mail.headers.get('auto-submitted')).toBeUndefined(); // a person wrote it
      expect(await t.db.query('SELECT ticket_id, direction FROM email_message_ids WHERE message_id = $1', [mail.messageId])).toEqual([
        { ticket_id: ticket.id, direction: 'out' },
      ]);
      expect(posted.body.content).toBe('Please unplug it <now>.');

      // The next reply threads after both mails.
      await reply(ticket.id, 'Any luck?');
      const mails = await smtp.waitForMails((m) => m.to === customer.email, 2);
      expect(mails[1].inReplyTo).toBe('first-mail@customer.example');
      expect(mails[1].references).toEqual(['first-mail@customer.example', mail.messageId]);

      // Draining again (as the job does) sends nothing twice.
      await outbox.drain(new Date(Date.now() + 24 * HOUR_MS));
      expect(smtp.to(customer.email)).toHaveLength(2);
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/outbox_deliveries_total\{topic="mail",outcome="sent"\} [1-9]/);
    });

    it('keeps a reply through an SMTP outage and sends it once when the server is back', async () => {
      const customer = await createUser(t.db, { password: null });
      const ticket = await emailTicket(customer.id, 'outage@customer.example');
      await smtp.stop();
      try {
        await reply(ticket.id, 'Sent while the mail server is down');
        await waitFor(async () => {
          const [row] = (await t.db.query(`SELECT status, attempts, last_error FROM outbox WHERE payload->>'to' = $1`, [customer.email])) as {
            status: string;
            attempts: number;
            last_error: string | null;
          }[];
          return row?.attempts === 1 && row.status === 'pending' && row.last_error !== null;
        });
        // Not due yet: the retry waits for its backoff.
        expect(await outbox.drain(new Date())).toEqual({ sent: 0, failed: 0, dead: 0 });
      } finally {
        await smtp.start();
      }
      expect(smtp.to(customer.email)).toHaveLength(0);

      expect((await outbox.drain(new Date(Date.now() + 2 * HOUR_MS))).sent).toBe(1);
      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.inReplyTo).toBe('outage@customer.example');
      await outbox.drain(new Date(Date.now() + 48 * HOUR_MS));
      expect(smtp.to(customer.email)).toHaveLength(1);
      const [row] = await t.db.query(`SELECT status, attempts FROM outbox WHERE payload->>'to' = $1`, [customer.email]);
      expect(row).toEqual({ status: 'sent', attempts: 2 });
    });

    it('gives a mail up as dead after OUTBOX_MAX_ATTEMPTS (10), keeping the last error; a week on, sent rows are pruned and dead ones kept', async () => {
      const customer = await createUser(t.db, { password: null });
      const ticket = await emailTicket(customer.id, 'dead@customer.example');
      const row = async () =>
        ((await t.db.query(`SELECT id, status, attempts, last_error FROM outbox WHERE payload->>'to' = $1`, [customer.email])) as {
          id: string;
          status: string;
          attempts: number;
          last_error: string | null;
        }[])[0];
      await smtp.stop();
      try {
        await reply(ticket.id, 'Never delivered');
        await waitFor(async () => (await row())?.attempts === 1);
        for (let hours = 2; (await row()).status === 'pending'; hours += 2) {
          expect(hours).toBeLessThan(40);
          await outbox.drain(new Date(Date.now() + hours * HOUR_MS));
        }
      } finally {
        await smtp.start();
      }
      expect(await row()).toMatchObject({ status: 'dead', attempts: 10, last_error: expect.stringMatching(/ECONNREFUSED|connect/i) });
      expect(await outbox.drain(new Date(Date.now() + 100 * HOUR_MS))).toEqual({ sent: 0, failed: 0, dead: 0 });
      expect(smtp.to(customer.email)).toHaveLength(0);

      const sentBefore = ((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`)) as { n: number }[])[0].n;
      expect(sentBefore).toBeGreaterThan(0);
      expect(await outbox.prune(new Date(Date.now() + 6 * 24 * HOUR_MS))).toBe(0);
      expect(await outbox.prune(new Date(Date.now() + 8 * 24 * HOUR_MS))).toBe(sentBefore);
      expect((await row()).status).toBe('dead');
    });

    it('mails a web ticket’s customer the reply while offline, and not while a socket of theirs is connected', async () => {
      const customer = await signedIn(t, { name: 'Web Customer' });
      const ticket = await createTicket(t.db, { clientId: customer.user.id, source: 'web', title: 'Where is my order' });

      await reply(ticket.id, 'It ships tomorrow.');
      const [mail] = await smtp.waitForMails((m) => m.to === customer.user.email);
      expect(mail.subject).toBe(`[#${ticket.id}] New reply: Where is my order`);
      expect(mail.text).toContain('It ships tomorrow.');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

      const socket = await online(customer);
      await reply(ticket.id, 'Seen in the chat instead.');
      // The outbox row would have been written with the message: nothing was queued.
      expect(await queuedTo(customer.user.email)).toBe(1);
      socket.close();
      await waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence WHERE user_id = $1', [customer.user.id])).length === 0);
      await reply(ticket.id, 'Offline again.');
      await smtp.waitForMails((m) => m.to === customer.user.email, 2);
      const texts = smtp.to(customer.user.email).map((m) => m.text);
      expect(texts.filter((text) => text.includes('Offline again.'))).toHaveLength(1);
      expect(texts.filter((text) => text.includes('Seen in the chat instead.'))).toHaveLength(0);
    });

    it('mails the customer when the ticket is resolved', async () => {
      const customer = await createUser(t.db);
      const ticket = await createTicket(t.db, { clientId: customer.id, status: 'in_progress', agentId: agent.user.id, title: 'Refund' });
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
      const [mail] = await smtp.waitForMails((m) => m.to === customer.email);
      expect(mail.subject).toBe(`[#${ticket.id}] Resolved: Refund`);
    });

    it('mails each customer whose ticket a bulk change resolves', async () => {
      const customers = [await createUser(t.db), await createUser(t.db)];
      const tickets = [];
      for (const [i, customer] of customers.entries()) {
        tickets.push(await createTicket(t.db, { clientId: customer.id, status: 'in_progress', agentId: agent.user.id, title: `Bulk ${i}` }));
      }
      await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: tickets.map((ticket) => ticket.id), status: 'resolved' }).expect(200);
      for (const [i, customer] of customers.entries()) {
        const mails = await smtp.waitForMails((m) => m.to === customer.email);
        expect(mails.map((m) => m.subject)).toEqual([`[#${tickets[i].id}] Resolved: Bulk ${i}`]);
      }
    });

    it('mails an agent a ticket assigned to them while offline, and not while online', async () => {
      const admin = await signedIn(t, { role: 'admin' });
      const offline = await signedIn(t, { role: 'agent' });
      const first = await createTicket(t.db, { title: 'Server down', priority: 'high' });
      await t.http.post(`/api/v1/tickets/${first.id}/assign`).set(admin.auth).send({ agent_id: offline.user.id }).expect(200);
      const [mail] = await smtp.waitForMails((m) => m.to === offline.user.email);
      expect(mail.subject).toBe(`[#${first.id}] Assigned to you: Server down`);
      expect(mail.text).toContain('priority high');

      const onlineAgent = await signedIn(t, { role: 'agent' });
      await online(onlineAgent);
      const second = await createTicket(t.db);
      await t.http.post(`/api/v1/tickets/${second.id}/assign`).set(admin.auth).send({ agent_id: onlineAgent.user.id }).expect(200);
      expect(await queuedTo(onlineAgent.user.email)).toBe(0);
    });

    it('sends nothing to a user who turned notify_by_email off', async () => {
      const customer = await signedIn(t);
      await t.http.patch('/api/v1/auth/me').set(customer.auth).send({ notify_by_email: false }).expect(200);
      const mailTicket = await emailTicket(customer.user.id, 'quiet@customer.example');
      const webTicket = await createTicket(t.db, { clientId: customer.user.id, status: 'in_progress', agentId: agent.user.id });
      await reply(mailTicket.id, 'A reply');
      await reply(webTicket.id, 'Another reply');
      await t.http.patch(`/api/v1/tickets/${webTicket.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
      expect(await queuedTo(customer.user.email)).toBe(0);
      expect(await t.db.query(`SELECT 1 FROM outbox WHERE payload->>'to' = $1`, [customer.user.email])).toEqual([]);
    });

    it('caps automatic mails to one address per hour (MAIL_AUTO_PER_HOUR=3)', async () => {
      const customer = await createUser(t.db);
      const ticket = await createTicket(t.db, { clientId: customer.id, source: 'chat' });
      for (let i = 1; i <= 5; i++) await reply(ticket.id, `Notice ${i}`);
      const mails = await smtp.waitForMails((m) => m.to === customer.email, 3);
      expect(await queuedTo(customer.email)).toBe(3);
      await outbox.drain(new Date());
      expect(mails.map((m) => m.text.match(/Notice \d/)?.[0]).sort()).toEqual(['Notice 1', 'Notice 2', 'Notice 3']);
      expect(smtp.to(customer.email)).toHaveLength(3);
    });
  });

  describe('password links', () => {
    const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });
    const confirm = (token: string, password = NEW_PASSWORD) =>
      t.http.post('/api/v1/auth/password-reset/confirm').send({ token, new_password: password });
    const tokenIn = passwordLinkToken;

    it('lets a contact claim its account through the mailed link; signing up alone gives no token', async () => {
      const contact = await createUser(t.db, { password: null, name: 'Mailed Us Once' });
      await createTicket(t.db, { clientId: contact.id, title: 'Private matter' });

      const signup = await t.http.post('/api/v1/auth/signup').send({ email: contact.email.toUpperCase(), password: NEW_PASSWORD, name: 'Impostor?' }).expect(202);
      expect(signup.body).toEqual({ status: 'accepted', message: expect.any(String) });
      expect(signup.body.access_token).toBeUndefined();
      await login(contact.email, NEW_PASSWORD).expect(401);

      const [mail] = await smtp.waitForMails((m) => m.to === contact.email);
      expect(mail.subject).toBe('Set a password for your account');
      const token = tokenIn(mail.text);
      await confirm(token).expect(204);
      const session = await login(contact.email, NEW_PASSWORD).expect(200);
      const tickets = await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${session.body.access_token}` }).expect(200);
      expect(tickets.body.items.map((i: { title: string }) => i.title)).toEqual(['Private matter']);

      // Now a real account: signing up with the address is a 409, as for any taken address.
      await t.http.post('/api/v1/auth/signup').send({ email: contact.email, password: NEW_PASSWORD, name: 'Again' }).expect(409);
    });

    it('resets a password once, ending every other token; a second use fails', async () => {
      const user = await signedIn(t);
      const before = await login(user.user.email, DEFAULT_PASSWORD).expect(200);

      const res = await t.http.post('/api/v1/auth/password-reset').send({ email: user.user.email }).expect(202);
      expect(res.body).toEqual({ status: 'accepted', message: expect.any(String) });
      const [mail] = await smtp.waitForMails((m) => m.to === user.user.email);
      expect(mail.subject).toBe('Reset your password');
      const token = tokenIn(mail.text);
      expect(await t.db.query('SELECT 1 FROM password_tokens WHERE token_hash = $1', [token])).toEqual([]); // only the hash is kept

      await confirm(token).expect(204);
      await t.http.get('/api/v1/auth/me').set(user.auth).expect(401);
      await t.http.get('/api/v1/auth/me').set({ Authorization: `Bearer ${before.body.access_token}` }).expect(401);
      await login(user.user.email, DEFAULT_PASSWORD).expect(401);
      await login(user.user.email, NEW_PASSWORD).expect(200);

      const again = await confirm(token, 'yet-another-horse-44').expect(422);
      expect(again.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'token' }] });
      await login(user.user.email, NEW_PASSWORD).expect(200);
    });

    it('refuses an expired link', async () => {
      const user = await signedIn(t);
      await t.http.post('/api/v1/auth/password-reset').send({ email: user.user.email }).expect(202);
      const [mail] = await smtp.waitForMails((m) => m.to === user.user.email);
      // The link's hour passes.
      await t.db.query(`UPDATE password_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.user.id]);
      await confirm(tokenIn(mail.text)).expect(422);
      await login(user.user.email, DEFAULT_PASSWORD).expect(200);

      // The next link issued (to anyone) takes the dead one away; the new one works.
      await t.http.post('/api/v1/auth/password-reset').send({ email: user.user.email }).expect(202);
      const [second] = await smtp.waitForMails((m) => m.to === user.user.email && m.text !== mail.text);
      expect(await t.db.query(`SELECT expires_at > now() AS live FROM password_tokens WHERE user_id = $1`, [user.user.id])).toEqual([{ live: true }]);
      await confirm(tokenIn(second.text)).expect(204);
    });

    it('answers an unknown address, a contact and an unknown link the same way, mailing nothing', async () => {
      const contact = await createUser(t.db, { password: null });
      const unknown = `nobody-${Date.now()}@example.test`;
      const answers = await Promise.all(
        [unknown, contact.email].map((email) => t.http.post('/api/v1/auth/password-reset').send({ email }).expect(202)),
      );
      expect(answers[0].body).toEqual(answers[1].body);
      expect(await queuedTo(unknown)).toBe(0);
      expect(await queuedTo(contact.email)).toBe(0);
      await confirm('not-a-token-we-sent').expect(422);
    });
  });
});

import { EmailIngestService } from '#src/modules/email-ingest/email-ingest.service.js';
import { signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { mail, TestImapServer } from './utils/imap-server.js';
import { type SmtpSink, startSmtpSink } from './utils/smtp-sink.js';

/**
 * Both halves of the e-mail channel together, against a real IMAP server (Dovecot, see test/utils/imap-server.ts) and a real SMTP
 * server: a customer's mail opens a ticket and gets a threaded confirmation; the agent's reply goes
 * out threaded; the customer's answer to that reply comes back onto the same ticket.
 */
describe('e-mail round trip', () => {
  let imap: TestImapServer;
  let smtp: SmtpSink;
  let t: TestApp;
  const poll = () => t.app.get(EmailIngestService).poll();

  beforeAll(async () => {
    [imap, smtp] = await Promise.all([TestImapServer.start(), startSmtpSink()]);
    t = await createTestApp(imap.env({ SMTP_URL: smtp.url, MAIL_FROM: 'Acme Support <help@mail.example.test>', AUTO_ASSIGN: 'false' }));
    await poll(); // the first poll only fixes where the mailbox stands
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([imap?.stop(), smtp?.stop()]);
  });

  it('confirms a mailed ticket, mails the agent’s reply, and threads the customer’s answer back onto the ticket', async () => {
    const customer = `kim-${Date.now()}@customer.example.test`;
    await imap.append(mail({ from: `Kim <${customer}>`, subject: 'Broken kettle', body: 'It does not boil.', messageId: `q1-${customer}` }));
    expect(await poll()).toMatchObject({ status: 'ok', ingested: 1 });
    const [ticket] = (await t.db.query(`SELECT t.id FROM tickets t JOIN users u ON u.id = t.client_id WHERE u.email = $1`, [customer])) as { id: number }[];

    const [confirmation] = await smtp.waitForMails((m) => m.to === customer);
    expect(confirmation.subject).toBe(`[#${ticket.id}] We have your request: Broken kettle`);
    expect(confirmation.text).toContain('Hello Kim,');
    expect(confirmation.inReplyTo).toBe(`q1-${customer}`);
    expect(confirmation.references).toEqual([`q1-${customer}`]);
    expect(confirmation.headers.get('auto-submitted')).toBe('auto-generated');

    const agent = await signedIn(t, { role: 'agent', name: 'Sam' });
    await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(agent.auth).send({ content: 'Descale it, please.' }).expect(201);
    const replies = await smtp.waitForMails((m) => m.to === customer, 2);
    const reply = replies[1];
    expect(reply.subject).toBe(`[#${ticket.id}] Re: Broken kettle`);
    expect(reply.inReplyTo).toBe(`q1-${customer}`);
    expect(reply.references).toEqual([`q1-${customer}`, confirmation.messageId]);

    // The customer answers our reply from a client that keeps only In-Reply-To (and a new subject).
    await imap.append(mail({ from: customer, subject: 'Still broken', body: 'Descaled, still cold.', inReplyTo: `<${reply.messageId}>` }));
    expect(await poll()).toMatchObject({ status: 'ok', ingested: 1 });
    const messages = (await t.db.query(`SELECT content, is_from_agent FROM messages WHERE ticket_id = $1 ORDER BY id`, [ticket.id])) as {
      content: string;
      is_from_agent: boolean;
    }[];
    expect(messages).toEqual([
      { content: 'Descale it, please.', is_from_agent: true },
      { content: 'Descaled, still cold.', is_from_agent: false },
    ]);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM tickets t JOIN users u ON u.id = t.client_id WHERE u.email = $1`, [customer])).toEqual([{ n: 1 }]);
    // A customer's own message mails nobody.
    expect(await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'to' = $1`, [customer])).toEqual([{ n: 2 }]);
  });

  it('never threads mail into a chat a visitor opened with the address before the account is claimed', async () => {
    // Kim is known from an e-mail (a contact, no password); someone starts a chat without an account with Kim's address.
    const customer = `kim-${Date.now()}@customer.example.test`;
    await imap.append(mail({ from: `Kim <${customer}>`, subject: 'Kettle', body: 'It leaks.', messageId: `v1-${customer}` }));
    expect(await poll()).toMatchObject({ status: 'ok', ingested: 1 });
    const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Someone', email: customer }).expect(201);
    const visitor = { Authorization: `Bearer ${visit.body.access_token}` };
    const chat = (await t.http.post('/api/v1/tickets').set(visitor).send({ title: 'About my account', description: 'What is on file for me?' }).expect(201)).body;

    // The agent's answer is mailed to the address (the visitor is not connected); Kim answers that mail.
    const agent = await signedIn(t, { role: 'agent', name: 'Sam' });
    await t.http.post(`/api/v1/tickets/${chat.id}/messages`).set(agent.auth).send({ content: 'Which order do you mean?' }).expect(201);
    const [answer] = await smtp.waitForMails((m) => m.to === customer && m.subject.startsWith(`[#${chat.id}]`));
    await imap.append(mail({ from: customer, subject: `Re: ${answer.subject}`, body: 'I never asked anything. My order is 7781.', inReplyTo: `<${answer.messageId}>` }));
    expect(await poll()).toMatchObject({ status: 'ok', ingested: 1 });

    // Kim's mail opens a ticket of the account, linked to the chat for the agents; the visitor sees none of it.
    const [own] = (await t.db.query(`SELECT id, description FROM tickets WHERE follows_ticket_id = $1`, [chat.id])) as { id: number; description: string }[];
    expect(own.description).toContain('My order is 7781');
    const thread = await t.http.get(`/api/v1/tickets/${chat.id}/messages`).set(visitor).expect(200);
    expect(JSON.stringify(thread.body)).not.toContain('7781');
    await t.http.get(`/api/v1/tickets/${own.id}/messages`).set(visitor).expect(404);
  });
});

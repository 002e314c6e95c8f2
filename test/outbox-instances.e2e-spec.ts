import { OutboxService } from '#src/modules/outbox/outbox.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { createUser, signedIn } from './factories/users.factory.js';
import type { TestApp } from './utils/create-test-app.js';
import { type SmtpSink, startSmtpSink } from './utils/smtp-sink.js';
import { twoInstances } from './utils/two-instances.js';
import { waitFor } from './utils/wait.js';

const MAILS = 25;

/** Two instances drain one outbox at once: every mail goes out exactly once (claims with SKIP LOCKED and a lease). */
describe('the outbox with two instances', () => {
  let smtp: SmtpSink;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  twoInstances(
    () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'support@mail.example.test', AUTO_ASSIGN: 'false' }),
    (first, second) => {
      a = first;
      b = second;
    },
  );
  afterAll(() => smtp.stop());

  it('sends each of many queued mails once when both drain together', async () => {
    const agent = await signedIn(a, { role: 'agent' });
    const customers = await Promise.all(Array.from({ length: 5 }, () => createUser(a.db, { password: null })));
    const tickets = await Promise.all(customers.map((customer) => createTicket(a.db, { clientId: customer.id, source: 'email' })));
    await smtp.stop();
    try {
      for (let i = 0; i < MAILS; i++) {
        const ticket = tickets[i % tickets.length];
        await (i % 2 === 0 ? a : b).http.post(`/api/v1/tickets/${ticket.id}/messages`).set(agent.auth).send({ content: `Reply ${i}` }).expect(201);
      }
      // Right after commit the instances tried the first mail of each ticket, and failed; a ticket's
      // later mails wait behind its first (one ordering key per ticket and customer), untried.
      await waitFor(async () => {
        const [row] = (await a.db.query(`SELECT count(*)::int AS n FROM outbox WHERE attempts = 1 AND status = 'pending' AND last_error IS NOT NULL`)) as { n: number }[];
        return row.n === tickets.length;
      });
      const [untried] = (await a.db.query(`SELECT count(*)::int AS n FROM outbox WHERE attempts = 0`)) as { n: number }[];
      expect(untried.n).toBe(MAILS - tickets.length);
    } finally {
      await smtp.start();
    }

    const later = new Date(Date.now() + 2 * 3_600_000);
    const [fromA, fromB] = await Promise.all([a.app.get(OutboxService).drain(later), b.app.get(OutboxService).drain(later)]);
    expect(fromA.sent + fromB.sent).toBe(MAILS);
    await smtp.waitForMails(() => true, MAILS);
    const ids = smtp.mails.map((mail) => mail.messageId);
    expect(new Set(ids).size).toBe(MAILS);
    expect(smtp.mails.map((mail) => mail.text.match(/Reply \d+/)?.[0]).sort()).toEqual(Array.from({ length: MAILS }, (_, i) => `Reply ${i}`).sort());
    expect(await a.db.query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY status`)).toEqual([{ status: 'sent', n: MAILS }]);
  });
});

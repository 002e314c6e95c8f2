import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import { createTicket } from '../factories/tickets.factory.js';
import { DEFAULT_PASSWORD, createUser, signedIn } from '../factories/users.factory.js';
import { OWN_IO_PATH, startEmbeddingSite, useBrowser } from '../utils/browser.js';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { decodeJwtPayload, handMadeJwt } from '../utils/jwt.js';
import { connect, request } from '../utils/socket.js';
import { TcpProxy } from '../utils/tcp-proxy.js';
import { waitFor } from '../utils/wait.js';

/** Small, so that a test can go over it (the widget and the console show the 413). */
const UPLOAD_MAX_BYTES = 2048;
const WAIT = { timeout: 15_000 };

describe('the agent console and the customer widget in Chromium', () => {
  const session = useBrowser();
  let t: TestApp;
  let site: Awaited<ReturnType<typeof startEmbeddingSite>>;
  /** The widget's script, API and socket go through this relay, so a test can cut the customer's network. */
  let proxy: TcpProxy;

  beforeAll(async () => {
    site = await startEmbeddingSite();
    t = await createTestApp({ CORS_ORIGINS: site.origin, UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES), BOT_ENABLED: 'true' });
    // The bot takes no queue's chats but in the tests that turn it on (botOn).
    await t.db.query('UPDATE queues SET bot_enabled = false');
    proxy = new TcpProxy('127.0.0.1', Number(new URL(t.baseUrl).port));
    await proxy.start();
    site.setService(proxy.wrap(t.baseUrl).replace(/\/$/, ''));
  });
  afterAll(async () => {
    await proxy?.stop();
    await t?.close();
    await site?.close();
  });

  /** An agent logged in to the console, served from `baseUrl` (the app, or a relay in front of it). */
  async function agentConsole(baseUrl = t.baseUrl): Promise<Page> {
    const agent = await createUser(t.db, { role: 'agent', name: 'Alice Agent' });
    const page = await (await session.context()).newPage();
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('E-mail').fill(agent.email);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor(WAIT);
    return page;
  }

  /** A new customer on the other site: opens the bubble, signs up, starts a conversation. */
  async function customerChat(context: BrowserContext, question: string, email = `carol-${Math.random().toString(36).slice(2)}@example.test`, path = '/'): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${site.origin}${path}`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill('Carol Customer');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('How can we help?').fill(question);
    await page.getByRole('button', { name: 'Start the conversation' }).click();
    await page.getByRole('log').getByText(question).waitFor(WAIT);
    expect(await page.getByRole('log').getByText(question).count()).toBe(1);
    return page;
  }

  /** The bot takes the new live chats (of the General queue, where the widget's chats go) while `body` runs. */
  async function botOn(body: () => Promise<void>): Promise<void> {
    await t.db.query(`UPDATE queues SET bot_enabled = true WHERE name = 'General questions'`);
    try {
      await body();
    } finally {
      await t.db.query('UPDATE queues SET bot_enabled = false');
    }
  }

  async function openTicket(agent: Page, title: string): Promise<void> {
    // It appears in the list live, without a reload.
    await agent.getByRole('button', { name: new RegExp(title) }).click(WAIT);
    await agent.getByRole('heading', { level: 2, name: new RegExp(title) }).waitFor(WAIT);
    // Loaded to the end (thread, notes, files, suggestions): the reply box takes the focus last.
    await agent.locator('#reply:focus').waitFor(WAIT);
  }

  it(
    'serves the pages with a content security policy and their files under hashed, long-cached names',
    session.run('pages', async () => {
      const page = await t.http.get('/console').expect(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['cache-control']).toBe('no-cache');
      const script = /src="(\/assets\/console\.[0-9a-f]{10}\.js)"/.exec(page.text)?.[1];
      expect(script).toBeDefined();
      const asset = await t.http.get(script!).expect(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
      await t.http.get('/assets/console.0000000000.js').expect(404);
      const loader = await t.http.get('/widget.js').expect(200);
      expect(loader.text).toMatch(/\/assets\/socket\.io\.esm\.[0-9a-f]{10}\.js/);
      await t.http.get('/widget-demo').expect(200);
    }),
  );

  it(
    'holds a whole conversation: chat opened on another site, the bot answers and hands over, the agent replies live, a file, resolved, rated',
    session.run('conversation', () =>
      botOn(async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'My parcel never arrived');
      const log = customer.getByRole('log');
      // The bot greets, under its own label; the chat is listed for agents but nobody's yet.
      await log.locator('.from-bot').filter({ hasText: 'I am the support bot' }).waitFor(WAIT);
      expect(await log.locator('.from-bot .who').first().textContent()).toBe('Support bot');
      await agent.getByRole('button', { name: /My parcel never arrived/ }).waitFor(WAIT);

      await customer.getByLabel('Message').fill('How long does delivery take?');
      await customer.getByRole('button', { name: 'Send' }).click();
      await log.locator('.from-bot').filter({ hasText: 'Delivery takes 2 to 5 business days' }).waitFor(WAIT);

      // The customer asks for a person: the hand-off is a step of its own, and the online agent gets the chat.
      await customer.getByRole('button', { name: 'Talk to a person' }).click();
      await log.getByText('Connecting you to a person…').waitFor(WAIT);
      await customer.getByRole('button', { name: 'Talk to a person' }).waitFor({ state: 'hidden', ...WAIT });
      // The console keeps its agent online: the only agent online gets the chat.
      await agent.getByText(/Ticket #\d+ was assigned to you/).waitFor(WAIT);
      await openTicket(agent, 'My parcel never arrived');
      await agent.locator('#thread .from-bot').filter({ hasText: 'Delivery takes 2 to 5 business days' }).waitFor(WAIT);
      await agent.getByText(/^First response: (due in \d+(\.\d)? (min|h)|met) · Resolution: due in \d+(\.\d)? (min|h)$/).waitFor(WAIT);

      await customer.getByLabel('Message').fill('Order 1234, sent last week');
      await customer.getByRole('button', { name: 'Send' }).click();
      await agent.locator('#thread').getByText('Order 1234, sent last week').waitFor(WAIT);

      await agent.getByLabel('Reply').pressSequentially('We are looking into it right now');
      await customer.getByText('Support is typing…').waitFor(WAIT);
      await agent.getByRole('button', { name: 'Send reply' }).click();
      await log.getByText('We are looking into it right now').waitFor(WAIT);
      // Seen live, after the line that says who the customer is talking to now.
      const notices = await log.locator('.notice').allTextContents();
      expect(notices).toEqual(['Connecting you to a person…', 'You are now talking to Alice Agent.']);
      await agent.getByText(/^First response: met · Resolution: due in/).waitFor(WAIT);

      // An internal note: marked as such in the console, never shown to the customer.
      await agent.getByLabel('Reply').fill('Courier says it is lost');
      await agent.getByRole('button', { name: 'Add internal note' }).click();
      await agent.locator('#thread .entry.note').getByText('Courier says it is lost').waitFor(WAIT);

      // Both upload their files for the message that tells of them (`?for=message`): never a file of the ticket on its own.
      const uploads: string[] = [];
      for (const page of [customer, agent]) page.on('request', (req) => req.method() === 'POST' && /\/attachments/.test(req.url()) && uploads.push(new URL(req.url()).search));
      await customer.getByLabel('Attach a file').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('receipt 1234\n') });
      // The file shows under the message that tells of it, live.
      const fileMessage = agent.locator('#thread .entry').filter({ hasText: 'Sent a file: receipt.txt' });
      await fileMessage.getByRole('button', { name: 'Download receipt.txt' }).waitFor(WAIT);
      const downloading = agent.waitForEvent('download');
      await fileMessage.getByRole('button', { name: 'Download receipt.txt' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('receipt.txt');
      expect(await readFile((await download.path())!, 'utf8')).toBe('receipt 1234\n');

      // And the other way: the agent's file reaches the customer as a download.
      await agent.getByLabel('Attach a file').setInputFiles({ name: 'label.txt', mimeType: 'text/plain', buffer: Buffer.from('return label\n') });
      await customer.getByRole('log').getByText('Sent a file: label.txt').waitFor(WAIT);
      const customerDownloading = customer.waitForEvent('download');
      await customer.getByRole('button', { name: 'Download label.txt' }).click(WAIT);
      const customerDownload = await customerDownloading;
      expect(await readFile((await customerDownload.path())!, 'utf8')).toBe('return label\n');
      expect(uploads).toEqual(['?for=message', '?for=message']);
      expect(await agent.locator('#files li').count()).toBe(0);

      if (process.env.README_SCREENSHOTS) {
        // README_SCREENSHOTS=1 npm run jest -- --selectProjects browser: refreshes the README's pictures.
        await agent.mouse.wheel(0, -5000);
        await agent.screenshot({ path: 'docs/console.png' });
        await customer.screenshot({ path: 'docs/widget.png' });
      }
      await agent.locator('#ticket-status').selectOption('resolved');
      await customer.getByRole('radio', { name: '5 of 5' }).check(WAIT);
      await customer.getByLabel('Comment (optional)').fill('Quick and kind');
      await customer.getByRole('button', { name: 'Send rating' }).click();
      await customer.getByText('Thank you for your rating!').waitFor(WAIT);

      expect(await customer.getByRole('log').textContent()).not.toContain('Courier says it is lost');
      const ticketId = Number(/#(\d+)/.exec((await agent.getByRole('heading', { level: 2 }).textContent())!)![1]);
      const [rating] = await t.db.query('SELECT score, comment FROM ticket_ratings WHERE ticket_id = $1', [ticketId]);
      expect(rating).toEqual({ score: 5, comment: 'Quick and kind' });
      }),
    ),
  );

  it(
    'shows the files of each message under it in the thread (as an e-mail brings them), with a download',
    session.run('message-files', async () => {
      const customer = await signedIn(t, { name: 'Ivy Client' });
      const ticket = await createTicket(t.db, { clientId: customer.user.id, title: 'Invoice with two scans' });
      const post = async (content: string) => (await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(customer.auth).send({ content }).expect(201)).body.id as number;
      const attach = (messageId: number, name: string) =>
        t.http.post(`/api/v1/messages/${messageId}/attachments`).set(customer.auth).attach('file', Buffer.from(`${name}\n`), { filename: name, contentType: 'text/plain' }).expect(201);
      const first = await post('The first scan');
      await attach(first, 'scan-1.txt');
      await post('No file on this one');

      const agent = await agentConsole();
      await agent.getByLabel('Search').fill('Invoice with two scans');
      await openTicket(agent, 'Invoice with two scans');
      const entry = (text: string) => agent.locator('#thread .entry').filter({ hasText: text });
      await entry('The first scan').getByRole('button', { name: 'Download scan-1.txt' }).waitFor(WAIT);
      expect(await entry('No file on this one').getByRole('button').count()).toBe(0);

      // A file that arrives on a message while the ticket is open shows under it at once.
      const third = await post('The second scan');
      await entry('The second scan').waitFor(WAIT);
      await attach(third, 'scan-2.txt');
      const row = entry('The second scan');
      await row.getByRole('button', { name: 'Download scan-2.txt' }).waitFor(WAIT);
      const downloading = agent.waitForEvent('download');
      await row.getByRole('button', { name: 'Download scan-2.txt' }).click();
      expect(await readFile((await (await downloading).path())!, 'utf8')).toBe('scan-2.txt\n');
      expect(await agent.locator('#files li').count()).toBe(0);
    }),
  );

  it(
    'leaves the host page’s own window.io as it was, and adds no global but its marker, while the chat works',
    session.run('own-io', async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'A site with its own Socket.IO', undefined, OWN_IO_PATH);
      await openTicket(agent, 'A site with its own Socket.IO');
      await agent.getByLabel('Reply').fill('Your site keeps its io');
      await agent.getByRole('button', { name: 'Send reply' }).click();
      await customer.getByRole('log').getByText('Your site keeps its io').waitFor(WAIT);

      expect(await customer.evaluate('[window.io.owner, window.io()]')).toEqual(['the site', 'the site']);
      const added = await customer.evaluate("Object.getOwnPropertyNames(window).filter((name) => !window.globalsBefore.includes(name) && name !== 'globalsBefore')");
      expect(added).toEqual(['SupportWidget']);
    }),
  );

  it(
    'shows the size limit (413) to the customer and to the agent when a file is too large, and leaves no message of a file that was refused',
    session.run('too-large', async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'A big screenshot');
      const big = { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(UPLOAD_MAX_BYTES * 2, 'x') };

      // The file goes first, the message that tells of it only after: a refused file leaves no message.
      const told = async () => Number((await t.db.query(`SELECT count(*) FROM messages WHERE content = 'Sent a file: big.txt'`))[0].count);
      await customer.getByLabel('Attach a file').setInputFiles(big);
      await customer.getByRole('alert').filter({ hasText: 'This file is too large.' }).waitFor(WAIT);
      expect(await customer.getByRole('alert').textContent()).toContain(String(UPLOAD_MAX_BYTES));
      expect(await told()).toBe(0);
      expect(await customer.getByRole('log').textContent()).not.toContain('Sent a file');

      await openTicket(agent, 'A big screenshot');
      expect(await agent.locator('#thread').textContent()).not.toContain('Sent a file');
      await agent.getByLabel('Attach a file').setInputFiles(big);
      await agent.locator('#ticket-error').filter({ hasText: String(UPLOAD_MAX_BYTES) }).waitFor(WAIT);
      expect(await agent.locator('#files li').count()).toBe(0);
      expect(await told()).toBe(0);
      expect(await agent.locator('#thread').textContent()).not.toContain('Sent a file');

      // A file within the limit then goes under the message that tells of it, on both sides.
      await customer.getByLabel('Attach a file').setInputFiles({ name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from('small\n') });
      await agent.locator('#thread .entry').filter({ hasText: 'Sent a file: small.txt' }).getByRole('button', { name: 'Download small.txt' }).waitFor(WAIT);
      await customer.getByRole('button', { name: 'Download small.txt' }).waitFor(WAIT);
      await agent.getByLabel('Attach a file').setInputFiles({ name: 'reply.txt', mimeType: 'text/plain', buffer: Buffer.from('reply\n') });
      await agent.locator('#thread .entry').filter({ hasText: 'Sent a file: reply.txt' }).getByRole('button', { name: 'Download reply.txt' }).waitFor(WAIT);
      await customer.getByRole('button', { name: 'Download reply.txt' }).waitFor(WAIT);
      await waitFor(async () => (await agent.locator('#files li').count()) === 0);
    }),
  );

  it(
    'replays what the customer missed while the connection was down',
    session.run('replay', async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'Is anyone there');
      await openTicket(agent, 'Is anyone there');

      await proxy.stop();
      await customer.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor(WAIT);
      for (const text of ['First while you were away', 'Second while you were away']) {
        await agent.getByLabel('Reply').fill(text);
        await agent.getByRole('button', { name: 'Send reply' }).click();
        await agent.locator('#thread').getByText(text).waitFor(WAIT);
      }
      await proxy.start();

      const log = customer.getByRole('log');
      await log.getByText('Second while you were away').waitFor(WAIT);
      await log.getByText('First while you were away').waitFor(WAIT);
      expect(await log.getByText('First while you were away').count()).toBe(1);
    }),
  );

  it(
    'replays in the console what the agent missed while its connection was down',
    session.run('console-replay', async () => {
      const relay = new TcpProxy('127.0.0.1', Number(new URL(t.baseUrl).port));
      await relay.start();
      const customer = await signedIn(t, { name: 'Hal Client' });
      const socket = await connect(t.baseUrl, customer.token);
      try {
        const created = await request<{ ok: boolean; ticket_id: number }>(socket, 'ticket:create', { title: 'Console drop test', description: 'Is anybody at the desk?' });
        expect(created.ok).toBe(true);
        const agent = await agentConsole(relay.wrap(t.baseUrl).replace(/\/$/, ''));
        await openTicket(agent, 'Console drop test');

        await relay.stop();
        await agent.getByRole('status').filter({ hasText: /Reconnecting|Offline/ }).waitFor(WAIT);
        for (const content of ['Missed one', 'Missed two']) {
          expect(await request(socket, 'message:send', { ticket_id: created.ticket_id, content })).toMatchObject({ ok: true });
        }
        await relay.start();

        await agent.getByRole('status').filter({ hasText: 'Online' }).waitFor(WAIT);
        await agent.locator('#thread').getByText('Missed two').waitFor(WAIT);
        expect(await agent.locator('#thread').getByText('Missed one').count()).toBe(1);
      } finally {
        socket.close();
        await relay.stop();
      }
    }),
  );

  it(
    'keeps the conversation across a reload, and a customer who logs in on another browser carries on with it',
    session.run('returning-customer', async () => {
      const email = `greta-${Math.random().toString(36).slice(2)}@example.test`;
      const first = await customerChat(await session.context(), 'Where is my refund', email);
      await first.getByLabel('Message').fill('It has been two weeks');
      await first.getByRole('button', { name: 'Send' }).click();
      await first.getByRole('log').getByText('It has been two weeks').waitFor(WAIT);

      await first.reload();
      await first.getByRole('button', { name: 'Chat with us' }).click();
      await first.getByRole('log').getByText('It has been two weeks').waitFor(WAIT);
      expect(await first.getByRole('log').getByRole('listitem').count()).toBe(2);

      const second = await (await session.context()).newPage();
      await second.goto(site.origin);
      await second.getByRole('button', { name: 'Chat with us' }).click();
      await second.getByRole('button', { name: 'I have an account' }).click();
      await second.getByLabel('E-mail').fill(email);
      await second.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await second.getByRole('button', { name: 'Log in' }).click();
      await second.getByRole('log').getByText('It has been two weeks').waitFor(WAIT);
      await second.getByRole('log').getByText('Where is my refund').waitFor(WAIT);
    }),
  );

  it(
    'marks a visitor’s ticket "Unverified visitor — e-mail not confirmed" in the list and the ticket, with the name given beside the address’s, until the address is claimed',
    session.run('unverified-visitor', async () => {
      const anna = await createUser(t.db, { password: null, name: 'Anna Real' });
      const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Bob Impostor', email: anna.email }).expect(201);
      const bob = { Authorization: `Bearer ${visit.body.access_token}` };
      const ticket = (await t.http.post('/api/v1/tickets').set(bob).send({ title: 'Read me my card number', description: 'I forgot which card I used' }).expect(201)).body;
      await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(bob).send({ content: 'The last four digits will do' }).expect(201);
      const known = await createTicket(t.db, { clientId: anna.id, title: 'Read me my card by e-mail' });

      const agent = await agentConsole();
      await agent.getByLabel('Search').fill('Read me my card');
      const row = (id: number) => agent.locator(`#ticket-${id}`);
      await row(ticket.id).getByText('Unverified visitor — e-mail not confirmed').waitFor(WAIT);
      await row(known.id).waitFor(WAIT);
      expect(await row(known.id).textContent()).not.toContain('Unverified');

      await openTicket(agent, 'Read me my card number');
      const marker = agent.getByRole('note');
      expect(await marker.textContent()).toBe(
        'Unverified visitor — e-mail not confirmed: Bob Impostor (gave this name; the address belongs to Anna Real). Do not share account details.',
      );
      // The visitor's message is signed with the name it gave.
      expect(await agent.locator('#thread .entry').filter({ hasText: 'The last four digits will do' }).locator('.who').textContent()).toMatch(/^Bob Impostor · /);

      // Another ticket: no marker.
      await openTicket(agent, 'Read me my card by e-mail');
      expect(await marker.isHidden()).toBe(true);

      // The address gets a password (as the claim link does): proven from then on.
      const admin = await signedIn(t, { role: 'admin' });
      await t.http.patch(`/api/v1/users/${anna.id}`).set(admin.auth).send({ password: 'another-horse-43' }).expect(200);
      await agent.getByLabel('Search').fill('Read me my card number');
      await agent.locator('#tickets li').filter({ hasText: 'Read me my card number' }).waitFor(WAIT);
      await waitFor(async () => (await agent.locator('#tickets li').count()) === 1);
      await openTicket(agent, 'Read me my card number');
      await marker.filter({ hasText: 'the e-mail address has been confirmed since' }).waitFor(WAIT);
      expect(await row(ticket.id).textContent()).not.toContain('Unverified');
    }),
  );

  /** Opens the bubble on the other site and starts a chat without an account. */
  async function visit(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByRole('button', { name: 'Chat without an account' }).click();
    await page.getByLabel('Your name').fill('Vic Visitor');
    await page.getByLabel('E-mail').fill(email);
    expect(await page.getByLabel('Password').count()).toBe(0);
    await page.getByRole('button', { name: 'Start chatting' }).click();
    return page;
  }

  it(
    'lets a visitor chat with only a name and an e-mail address, across a reload; another browser with the address sees none of it; an account’s address is asked to log in',
    session.run('visitor', async () => {
      const agent = await agentConsole();
      const email = `vic-${Math.random().toString(36).slice(2)}@example.test`;
      const page = await visit(await session.context(), email);
      await page.getByLabel('How can we help?').fill('Can I pay by invoice?');
      await page.getByRole('button', { name: 'Start the conversation' }).click();
      const log = page.getByRole('log');
      await log.getByText('Can I pay by invoice?').waitFor(WAIT);

      await openTicket(agent, 'Can I pay by invoice?');
      await agent.getByLabel('Reply').fill('Yes, for orders over 100 EUR');
      await agent.getByRole('button', { name: 'Send reply' }).click();
      await log.getByText('Yes, for orders over 100 EUR').waitFor(WAIT);

      // The visitor's token is kept in the site's storage: a reload finds the conversation.
      await page.reload();
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByRole('log').getByText('Yes, for orders over 100 EUR').waitFor(WAIT);

      // The visit's token is renewed for the same visit once 80 % of its life is gone (here made due at once).
      const stored = async () => JSON.parse(String(await page.evaluate('Object.values(localStorage)[0]'))) as { token: string; renewAt: number };
      const before = await stored();
      await page.evaluate('(() => { const [key] = Object.keys(localStorage); localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), renewAt: 0 })); })()');
      await page.reload();
      await waitFor(async () => (await stored()).token !== before.token);
      expect((await stored()).renewAt).toBeGreaterThan(Date.now());
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByLabel('Message').fill('Thanks, and after the renewal?');
      await page.getByRole('button', { name: 'Send' }).click();
      await agent.locator('#thread').getByText('Thanks, and after the renewal?').waitFor(WAIT);

      // Back after the token expired (an hour away, a laptop asleep): the visit key alone brings a fresh one.
      const current = await stored();
      const claims = decodeJwtPayload(current.token);
      const expired = handMadeJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, t.config.jwtSecret);
      await page.evaluate(`(() => { const [key] = Object.keys(localStorage); localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), token: ${JSON.stringify(expired)} })); })()`);
      await page.reload();
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByRole('log').getByText('Thanks, and after the renewal?').waitFor(WAIT);
      await page.getByLabel('Message').fill('Back after a long lunch');
      await page.getByRole('button', { name: 'Send' }).click();
      await agent.locator('#thread').getByText('Back after a long lunch').waitFor(WAIT);
      expect(decodeJwtPayload((await stored()).token).vis).toBe(claims.vis);

      // Another browser with the same address starts afresh: its token sees none of the first visit.
      const other = await visit(await session.context(), email);
      await other.getByLabel('How can we help?').waitFor(WAIT);
      const kept = await other.evaluate('Object.values(localStorage)[0]');
      const { token } = JSON.parse(String(kept)) as { token: string };
      const listed = await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${token}` }).expect(200);
      expect(listed.body.items).toEqual([]);

      // The address gets a password (here set by an admin; a claim by the mailed link does the same): the
      // visit's token ends, and the widget says how to see the conversation again.
      const admin = await signedIn(t, { role: 'admin' });
      const [{ id: visitorId }] = await t.db.query('SELECT id FROM users WHERE email = $1', [email]);
      await t.http.patch(`/api/v1/users/${visitorId}`).set(admin.auth).send({ password: 'another-horse-43' }).expect(200);
      await page.getByRole('alert').filter({ hasText: 'Your chat session has ended.' }).waitFor(WAIT);
      await page.getByLabel('Password').waitFor(WAIT);

      // The address of an account with a password: the widget asks its owner to log in, the address filled in.
      const owner = await createUser(t.db, { name: 'Owen Owner' });
      const third = await visit(await session.context(), owner.email);
      await third.getByRole('alert').filter({ hasText: 'This address has an account: please log in.' }).waitFor(WAIT);
      expect(await third.getByLabel('E-mail').inputValue()).toBe(owner.email);
      await third.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await third.getByRole('button', { name: 'Log in' }).click();
      await third.getByLabel('How can we help?').waitFor(WAIT);
    }),
  );

  it(
    'ends a chat without an account on a shared computer: nothing of it stays in the browser, and its token works no more',
    session.run('visitor-end', async () => {
      const page = await visit(await session.context(), `end-${Math.random().toString(36).slice(2)}@example.test`);
      await page.getByLabel('How can we help?').fill('Typing this at the library');
      await page.getByRole('button', { name: 'Start the conversation' }).click();
      await page.getByRole('log').getByText('Typing this at the library').waitFor(WAIT);
      const { token } = JSON.parse(String(await page.evaluate('Object.values(localStorage)[0]'))) as { token: string };

      await page.getByRole('button', { name: 'End chat' }).click();
      await page.getByRole('alert').filter({ hasText: 'The chat has ended on this device.' }).waitFor(WAIT);
      await page.getByLabel('Your name').waitFor(WAIT);
      const kept = JSON.parse(String(await page.evaluate('Object.values(localStorage)[0]'))) as Record<string, unknown>;
      expect(kept).toMatchObject({ token: null, ticketId: null, visitKey: null });
      await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${token}` }).expect(401);
      await page.reload();
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByLabel('Your name').waitFor(WAIT);
      expect(await page.getByRole('log').count()).toBe(0);
    }),
  );

  it(
    'keeps a visit whose renewal answer was lost on the network (sent again at once: the same new key); a visit ended because its replaced key came back says so',
    session.run('visitor-key-reuse', async () => {
      const page = await visit(await session.context(), `lost-${Math.random().toString(36).slice(2)}@example.test`);
      await page.getByLabel('How can we help?').fill('Where is my parcel?');
      await page.getByRole('button', { name: 'Start the conversation' }).click();
      await page.getByRole('log').getByText('Where is my parcel?').waitFor(WAIT);
      type Stored = { token: string; visitKey: string; renewAt: number };
      const stored = async () => JSON.parse(String(await page.evaluate('Object.values(localStorage)[0]'))) as Stored;
      const renewNow = async () => {
        await page.evaluate('(() => { const [key] = Object.keys(localStorage); localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), renewAt: 0 })); })()');
        await page.reload();
      };

      // The first renewal reaches the service, which renews, but its answer is lost on the way back.
      let lost: { visit_key: string } | null = null;
      await page.route('**/api/v1/auth/visitor/renew', async (route) => {
        if (lost !== null || route.request().method() !== 'POST') return route.continue();
        lost = (await (await route.fetch()).json()) as { visit_key: string };
        await route.abort('failed');
      });
      const before = await stored();
      await renewNow();
      await waitFor(async () => (await stored()).token !== before.token);
      expect(lost).not.toBeNull();
      const after = await stored();
      expect(after.visitKey).toBe(lost!.visit_key);
      await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${after.token}` }).expect(200);
      await page.unroute('**/api/v1/auth/visitor/renew');

      // Someone copied the key and renewed with it first; the widget's next renewal, with the key it holds, ends the visit.
      await t.http.post('/api/v1/auth/visitor/renew').send({ visit_key: after.visitKey }).expect(200);
      await t.db.query(`UPDATE visitor_sessions SET key_rotated_at = key_rotated_at - interval '3 minutes' WHERE id = $1`, [decodeJwtPayload(after.token).vis]);
      await renewNow();
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByRole('alert').filter({ hasText: 'Your chat session has ended.' }).waitFor(WAIT);
      await t.http.get('/api/v1/tickets').set({ Authorization: `Bearer ${after.token}` }).expect(401);
    }),
  );

  it(
    'shows which agents are online, live: another agent appears when its console opens and goes when it closes',
    session.run('team-presence', async () => {
      const first = await agentConsole();
      const team = first.getByRole('list', { name: 'Agents online:' });
      await team.getByText('Alice Agent (you)').waitFor(WAIT);
      // From here on the list is kept by the agent:presence events alone: a read of it would fail.
      await first.route('**/api/v1/presence/agents**', (route) => route.abort());

      const bob = await createUser(t.db, { role: 'agent', name: 'Bob Backup' });
      const other = await session.context();
      const page = await other.newPage();
      await page.goto(`${t.baseUrl}/console`);
      await page.getByLabel('E-mail').fill(bob.email);
      await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await team.getByText('Bob Backup').waitFor(WAIT);
      await page.getByRole('list', { name: 'Agents online:' }).getByText('Alice Agent').waitFor(WAIT);

      await other.close();
      await team.getByText('Bob Backup').waitFor({ state: 'detached', ...WAIT });
      expect(await team.getByText('Alice Agent (you)').count()).toBe(1);
    }),
  );

  it(
    'shows every agent online, over as many pages of the list as it takes',
    session.run('team-presence-pages', async () => {
      // A hundred teammates online on another instance, all before Alice by id.
      const instance = randomUUID();
      const teammates = [];
      for (let i = 0; i < 100; i += 1) teammates.push(await createUser(t.db, { role: 'agent', name: `Teammate ${String(i).padStart(3, '0')}` }));
      await t.db.query('INSERT INTO agent_presence (instance_id, user_id, connections) SELECT $1, unnest($2::int[]), 1', [instance, teammates.map((u) => u.id)]);
      try {
        const team = (await agentConsole()).getByRole('list', { name: 'Agents online:' });
        await team.getByText('Alice Agent (you)').waitFor(WAIT);
        await team.getByText('Teammate 000').waitFor(WAIT);
        await team.getByText('Teammate 099').waitFor(WAIT);
      } finally {
        await t.db.query('DELETE FROM agent_presence WHERE instance_id = $1', [instance]);
      }
    }),
  );

  it(
    'lists tickets with search, filters and keyset paging, and updates rows live (changes, SLA alerts)',
    session.run('ticket-list', async () => {
      const client = await createUser(t.db, { name: 'Dora Client' });
      // Held by another agent: an agent's connection hands waiting tickets out, and these are only for looking at.
      const holder = await createUser(t.db, { role: 'agent', name: 'Holder Agent' });
      const tickets = [];
      for (let i = 0; i < 25; i += 1) {
        tickets.push(await createTicket(t.db, { clientId: client.id, agentId: holder.id, title: `Broken crate ${i}`, priority: i < 3 ? 'urgent' : 'low' }));
      }
      const agent = await agentConsole();
      const rows = agent.locator('#tickets li');

      await agent.getByLabel('Search').fill('crate');
      // The search's answer is in (the list drawn before it shows the same newest 20).
      await agent.locator('#tickets[aria-busy="false"]').waitFor(WAIT);
      await rows.nth(19).waitFor(WAIT); // a page is drawn at once
      expect(await rows.count()).toBe(20);
      expect(await rows.filter({ hasNotText: 'Broken crate' }).count()).toBe(0);
      await agent.getByRole('button', { name: 'Load more' }).click();
      await rows.nth(24).waitFor(WAIT);
      expect(await rows.count()).toBe(25);
      expect(await agent.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);

      await agent.locator('#filters').getByLabel('Priority').selectOption('urgent');
      await rows.nth(3).waitFor({ state: 'detached', ...WAIT });
      expect(await rows.count()).toBe(3);
      expect(await rows.filter({ hasText: 'urgent' }).count()).toBe(3);

      // Another agent takes a ticket on: its row changes without a reload.
      const other = await signedIn(t, { role: 'agent' });
      await t.http.patch(`/api/v1/tickets/${tickets[0].id}`).set(other.auth).send({ status: 'in_progress' }).expect(200);
      await agent.locator(`#ticket-${tickets[0].id}`).getByText('in_progress').waitFor(WAIT);

      t.app.get(RealtimePublisher).emit(rooms.agents, 'sla:breached', { ticket_id: tickets[1].id, kind: 'frt', deadline: new Date().toISOString(), minutes_left: 0 });
      await agent.locator(`#ticket-${tickets[1].id}.breached`).waitFor(WAIT);
      await agent.getByText(`Ticket #${tickets[1].id}: FRT breached`).waitFor(WAIT);

      // The SLA filter asks the server: only the ticket past its first-response deadline is listed.
      await t.db.query(`UPDATE tickets SET frt_deadline = now() - interval '5 minutes' WHERE id = $1`, [tickets[2].id]);
      await agent.locator('#filters').getByLabel('SLA').selectOption('breached');
      await rows.nth(1).waitFor({ state: 'detached', ...WAIT });
      expect(await rows.count()).toBe(1);
      await agent.locator(`#ticket-${tickets[2].id}`).waitFor(WAIT);
    }),
  );

  it(
    'helps with a reply: knowledge suggestions, a canned response filled in, the streamed suggestion to edit and send; shows typing; assigns and reprioritises',
    session.run('ticket-tools', async () => {
      const customer = await signedIn(t, { name: 'Erin Client' });
      const helper = await signedIn(t, { role: 'agent' });
      await t.http
        .post('/api/v1/articles')
        .set(helper.auth)
        .send({ title: 'Resetting your router', content: 'Unplug the router. Wait ten seconds. Plug it back in.', media_links: [], published: true })
        .expect(201);
      const canned = await t.http
        .post('/api/v1/canned-responses')
        .set(helper.auth)
        .send({ shortcut: 'hello', title: 'Greeting', content: 'Hello {{customer.name}}, about ticket {{ticket.id}}:', shared: true })
        .expect(201);
      const ticket = await t.http
        .post('/api/v1/tickets')
        .set(customer.auth)
        .send({ title: 'My router keeps dropping', description: 'The router drops the connection every hour' })
        .expect(201);
      const id: number = ticket.body.id;

      const agent = await agentConsole();
      await agent.getByLabel('Search').fill('router');
      await openTicket(agent, 'My router keeps dropping');
      await agent.locator('#articles').getByText('Resetting your router').waitFor(WAIT);

      await agent.getByLabel('Canned response').selectOption(String(canned.body.id));
      const reply = agent.getByLabel('Reply');
      await waitFor(async () => (await reply.inputValue()) === `Hello Erin Client, about ticket ${id}:`);

      await agent.getByLabel('Reply').fill('');
      await agent.getByRole('button', { name: 'Suggest a reply' }).click();
      await waitFor(async () => (await reply.inputValue()).includes('Resetting your router'));
      const suggested = await agent.getByLabel('Reply').inputValue();
      await agent.getByLabel('Reply').fill(`${suggested}\nEdited by the agent.`);
      await agent.getByRole('button', { name: 'Send reply' }).click();
      await agent.locator('#thread').getByText('Edited by the agent.').waitFor(WAIT);
      const messages = await t.http.get(`/api/v1/tickets/${id}/messages`).set(customer.auth).expect(200);
      expect(messages.body.items.at(-1).content).toContain('Edited by the agent.');

      const socket = await connect(t.baseUrl, customer.token);
      try {
        await request(socket, 'ticket:join', { ticket_id: id });
        await request(socket, 'typing', { ticket_id: id });
        await agent.getByText('The customer is typing…').waitFor(WAIT);
      } finally {
        socket.close();
      }

      await agent.getByRole('button', { name: 'Assign to me' }).click();
      await agent.locator('#ticket-agent').filter({ hasText: 'Assigned to you' }).waitFor(WAIT);
      await agent.locator('#ticket-priority').selectOption('high');
      await agent.locator(`#ticket-${id}`).getByText('high').waitFor(WAIT);
      const stored = await t.http.get(`/api/v1/tickets/${id}`).set(customer.auth).expect(200);
      expect(stored.body).toMatchObject({ priority: 'high', agent_id: expect.any(Number) });
    }),
  );

  it(
    'shows the stats as reports over a period: volumes, SLA, medians and CSAT by queue and agent',
    session.run('reports', async () => {
      const customer = await signedIn(t, { name: 'Fay Client' });
      const rater = await signedIn(t, { role: 'agent', name: 'Rita Rated' });
      const ticket = await t.http.post('/api/v1/tickets').set(customer.auth).send({ title: 'Report me', description: 'For the numbers' }).expect(201);
      await t.http.post(`/api/v1/tickets/${ticket.body.id}/assign`).set(rater.auth).send({ agent_id: rater.user.id }).expect(200);
      await t.http.patch(`/api/v1/tickets/${ticket.body.id}`).set(rater.auth).send({ status: 'resolved' }).expect(200);
      await t.http.post(`/api/v1/tickets/${ticket.body.id}/rating`).set(customer.auth).send({ score: 4 }).expect(201);
      const stats = await t.http.get('/api/v1/tickets/stats').set(rater.auth).expect(200);

      const agent = await agentConsole();
      await agent.getByRole('button', { name: 'Reports' }).click();
      const reports = agent.getByRole('main', { name: 'Reports' });
      const byStatus = reports.getByRole('region', { name: 'Tickets by status' });
      await byStatus.waitFor(WAIT);
      expect(await byStatus.getByRole('meter').count()).toBe(5);
      expect(await byStatus.textContent()).toContain(`resolved ${stats.body.by_status.resolved}`);
      const csat = reports.getByRole('region', { name: 'CSAT by agent' });
      expect(await csat.textContent()).toContain('Rita Rated');
      expect(await csat.textContent()).toContain('4 (1 ratings)');
      if (process.env.README_SCREENSHOTS) await agent.screenshot({ path: 'docs/reports.png', fullPage: true });
      await reports.getByRole('button', { name: 'Back to tickets' }).click();
      await agent.getByRole('list', { name: 'Ticket list' }).waitFor(WAIT);
    }),
  );

  it(
    'serves the demo page, whose widget works under its CSP, in Russian to a browser set to Russian',
    session.run('demo-russian', async () => {
      const page = await (await session.context({ locale: 'ru-RU' })).newPage();
      await page.goto(`${t.baseUrl}/widget-demo`);
      await page.getByRole('button', { name: 'Напишите нам' }).click();
      await page.getByRole('button', { name: 'Зарегистрироваться' }).waitFor(WAIT);
    }),
  );
});

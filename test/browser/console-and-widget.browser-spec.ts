import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_PASSWORD, createUser } from '../factories/users.factory.js';
import { startEmbeddingSite, useBrowser } from '../utils/browser.js';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { TcpProxy } from '../utils/tcp-proxy.js';

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
    t = await createTestApp({ CORS_ORIGINS: site.origin, UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES) });
    proxy = new TcpProxy('127.0.0.1', Number(new URL(t.baseUrl).port));
    await proxy.start();
    site.setService(proxy.wrap(t.baseUrl).replace(/\/$/, ''));
  });
  afterAll(async () => {
    await proxy?.stop();
    await t?.close();
    await site?.close();
  });

  async function agentConsole(): Promise<Page> {
    const agent = await createUser(t.db, { role: 'agent', name: 'Alice Agent' });
    const page = await (await session.context()).newPage();
    await page.goto(`${t.baseUrl}/console`);
    await page.getByLabel('E-mail').fill(agent.email);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor(WAIT);
    return page;
  }

  /** A new customer on the other site: opens the bubble, signs up, starts a conversation. */
  async function customerChat(context: BrowserContext, question: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(site.origin);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill('Carol Customer');
    await page.getByLabel('E-mail').fill(`carol-${Math.random().toString(36).slice(2)}@example.test`);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('How can we help?').fill(question);
    await page.getByRole('button', { name: 'Start the conversation' }).click();
    await page.getByRole('log').getByText(question).waitFor(WAIT);
    expect(await page.getByRole('log').getByText(question).count()).toBe(1);
    return page;
  }

  async function openTicket(agent: Page, title: string): Promise<void> {
    // It appears in the list live, without a reload.
    await agent.getByRole('button', { name: new RegExp(title) }).click(WAIT);
    await agent.getByRole('heading', { level: 2, name: new RegExp(title) }).waitFor(WAIT);
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
      expect(loader.text).toMatch(/\/assets\/socket\.io\.[0-9a-f]{10}\.js/);
      await t.http.get('/widget-demo').expect(200);
    }),
  );

  it(
    'holds a whole conversation: chat opened on another site, seen live by the agent, replies both ways, a file, resolved, rated',
    session.run('conversation', async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'My parcel never arrived');
      await openTicket(agent, 'My parcel never arrived');

      await customer.getByLabel('Message').fill('Order 1234, sent last week');
      await customer.getByRole('button', { name: 'Send' }).click();
      await agent.locator('#thread').getByText('Order 1234, sent last week').waitFor(WAIT);

      await agent.getByLabel('Reply').fill('We are looking into it right now');
      await agent.getByRole('button', { name: 'Send reply' }).click();
      await customer.getByRole('log').getByText('We are looking into it right now').waitFor(WAIT);

      // An internal note: marked as such in the console, never shown to the customer.
      await agent.getByLabel('Reply').fill('Courier says it is lost');
      await agent.getByRole('button', { name: 'Add internal note' }).click();
      await agent.locator('#thread .entry.note').getByText('Courier says it is lost').waitFor(WAIT);

      await customer.getByLabel('Attach a file').setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('receipt 1234\n') });
      await agent.locator('#thread').getByText('📎 receipt.txt').waitFor(WAIT);
      const downloading = agent.waitForEvent('download');
      await agent.getByRole('button', { name: 'Download receipt.txt' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('receipt.txt');
      expect(await readFile((await download.path())!, 'utf8')).toBe('receipt 1234\n');

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
  );

  it(
    'shows the size limit (413) to the customer and to the agent when a file is too large',
    session.run('too-large', async () => {
      const agent = await agentConsole();
      const customer = await customerChat(await session.context(), 'A big screenshot');
      const big = { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(UPLOAD_MAX_BYTES * 2, 'x') };

      await customer.getByLabel('Attach a file').setInputFiles(big);
      await customer.getByRole('alert').filter({ hasText: 'This file is too large.' }).waitFor(WAIT);
      expect(await customer.getByRole('alert').textContent()).toContain(String(UPLOAD_MAX_BYTES));

      await openTicket(agent, 'A big screenshot');
      await agent.getByLabel('Attach a file').setInputFiles(big);
      await agent.locator('#ticket-error').filter({ hasText: String(UPLOAD_MAX_BYTES) }).waitFor(WAIT);
      expect(await agent.locator('#files li').count()).toBe(0);
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
    'speaks Russian to a browser set to Russian',
    session.run('russian', async () => {
      const page = await (await session.context({ locale: 'ru-RU' })).newPage();
      await page.goto(site.origin);
      await page.getByRole('button', { name: 'Напишите нам' }).click();
      await page.getByRole('button', { name: 'Зарегистрироваться' }).waitFor(WAIT);
    }),
  );
});

import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

interface Article {
  id: number;
  title: string;
  snippet?: string;
  published: boolean;
  stats?: { views: number; helpful: number; not_helpful: number };
}

describe('knowledge base', () => {
  let t: TestApp;
  let agent: SignedInUser;
  let admin: SignedInUser;
  let client: SignedInUser;
  let otherClient: SignedInUser;

  const write = (body: object, who: SignedInUser = agent) => t.http.post('/api/v1/articles').set(who.auth).send(body).expect(201);
  const search = async (q: string, who?: SignedInUser): Promise<Article[]> => {
    const req = t.http.get('/api/v1/articles').query({ q });
    if (who) req.set(who.auth);
    return (await req.expect(200)).body.items as Article[];
  };
  const titles = (items: Article[]) => items.map((a) => a.title);

  beforeAll(async () => {
    t = await createTestApp();
    [agent, admin, client, otherClient] = await Promise.all([
      signedIn(t, { role: 'agent' }),
      signedIn(t, { role: 'admin' }),
      signedIn(t, { role: 'client' }),
      signedIn(t, { role: 'client' }),
    ]);
    await write({
      title: 'How to reset your password',
      content: 'Open the sign-in page and choose Forgot password. We send a link that works for one hour.',
      tags: ['account', 'login'],
      published: true,
    });
    await write({ title: 'Invoices and receipts', content: 'Download every invoice from the Billing page as a PDF.', tags: ['billing'], published: true });
    await write({
      title: 'Shipping times',
      content: 'Parcels leave within two days. If you need to reset the delivery address, write to us.',
      tags: ['logistics'],
      published: true,
    });
    await write({ title: 'Как сбросить пароль', content: 'Откройте страницу входа и нажмите «Забыли пароль?». Ссылка действует один час.', locale: 'RU', published: true });
    await write({ title: 'Internal: password policy draft', content: 'Passwords will need twelve characters.', published: false });
  });
  afterAll(() => t.close());

  describe('writing and visibility', () => {
    it('lets agents and admins create, change and delete; clients get 403 and anonymous callers 401', async () => {
      const created = await write(
        { title: '  Two-factor sign-in  ', content: 'Turn it on under Security.', media_links: ['https://cdn.example.com/2fa.mp4'], tags: [' Security ', 'security', '2FA'] },
        admin,
      );
      expect(created.body).toMatchObject({
        title: 'Two-factor sign-in',
        media_links: ['https://cdn.example.com/2fa.mp4'],
        tags: ['Security', '2FA'],
        published: false,
        locale: 'en',
        author_id: admin.user.id,
        author_name: admin.user.name,
        stats: { views: 0, helpful: 0, not_helpful: 0 },
      });
      expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const id = created.body.id as number;

      const changed = await t.http.patch(`/api/v1/articles/${id}`).set(agent.auth).send({ published: true, locale: 'ru' }).expect(200);
      expect(changed.body).toMatchObject({ id, published: true, locale: 'ru', title: 'Two-factor sign-in' });

      await t.http.post('/api/v1/articles').set(client.auth).send({ title: 'Mine', content: 'x' }).expect(403);
      await t.http.post('/api/v1/articles').send({ title: 'Mine', content: 'x' }).expect(401);
      await t.http.patch(`/api/v1/articles/${id}`).set(client.auth).send({ title: 'Mine' }).expect(403);
      await t.http.delete(`/api/v1/articles/${id}`).set(client.auth).expect(403);

      await t.http.delete(`/api/v1/articles/${id}`).set(agent.auth).expect(204);
      await t.http.get(`/api/v1/articles/${id}`).set(agent.auth).expect(404);
      await t.http.delete(`/api/v1/articles/${id}`).set(agent.auth).expect(404);
      await t.http.patch(`/api/v1/articles/${id}`).set(agent.auth).send({ title: 'Gone' }).expect(404);
    });

    it('refuses bad input with 422 in the error shape: links that are not http(s), unknown fields, a bad locale', async () => {
      for (const body of [
        { title: 'Links', content: 'x', media_links: ['javascript:alert(1)'] },
        { title: 'Links', content: 'x', media_links: ['ftp://example.com/a'] },
        { title: 'Links', content: 'x', media_links: 'https://example.com' },
        { title: 'Locale', content: 'x', locale: 'de' },
        { title: '   ', content: 'x' },
        { title: 'Unknown', content: 'x', views: 100 },
        { title: 'Control', content: 'bell \u0007' },
      ]) {
        const res = await t.http.post('/api/v1/articles').set(agent.auth).send(body).expect(422);
        expect(res.body).toEqual({ status_code: 422, error: 'validation_failed', message: expect.any(String), details: expect.any(Array), request_id: expect.any(String) });
      }
      await t.http.get('/api/v1/articles').query({ cursor: 'nonsense' }).expect(422);
      await t.http.get('/api/v1/articles').query({ q: 'password', cursor: 'nonsense' }).expect(422);
      await t.http.get('/api/v1/articles').query({ limit: 101 }).expect(422);
    });

    it('shows published articles to anyone without a token, drafts to agents only (404 for others), counts only to agents', async () => {
      const anonymous = (await t.http.get('/api/v1/articles').expect(200)).body.items as Article[];
      expect(titles(anonymous)).not.toContain('Internal: password policy draft');
      expect(anonymous.every((a) => a.published && a.stats === undefined)).toBe(true);
      const forClient = (await t.http.get('/api/v1/articles').set(client.auth).expect(200)).body.items as Article[];
      expect(titles(forClient)).toEqual(titles(anonymous));
      const forAgent = (await t.http.get('/api/v1/articles').set(agent.auth).expect(200)).body.items as Article[];
      expect(titles(forAgent)).toContain('Internal: password policy draft');
      expect(forAgent[0].stats).toEqual(expect.objectContaining({ views: expect.any(Number) }));

      const draft = forAgent.find((a) => !a.published) as Article;
      await t.http.get(`/api/v1/articles/${draft.id}`).expect(404);
      await t.http.get(`/api/v1/articles/${draft.id}`).set(client.auth).expect(404);
      await t.http.get(`/api/v1/articles/${draft.id}`).set(agent.auth).expect(200);
      expect(titles(await search('password policy', client))).not.toContain('Internal: password policy draft');
      expect(titles(await search('password policy'))).not.toContain('Internal: password policy draft');
      expect(titles(await search('password policy', agent))).toContain('Internal: password policy draft');
      await t.http.get('/api/v1/articles').set({ Authorization: 'Bearer not-a-token' }).expect(401);
    });

    it('lists newest first with a keyset cursor', async () => {
      const first = await t.http.get('/api/v1/articles').query({ limit: 2 }).expect(200);
      expect(titles(first.body.items)).toEqual(['Как сбросить пароль', 'Shipping times']);
      const second = await t.http.get('/api/v1/articles').query({ limit: 2, cursor: first.body.next_cursor }).expect(200);
      expect(titles(second.body.items)).toEqual(['Invoices and receipts', 'How to reset your password']);
      expect(second.body.next_cursor).toBeNull();
    });

    it('counts a view on each read', async () => {
      const [article] = await search('invoice');
      await t.http.get(`/api/v1/articles/${article.id}`).expect(200);
      await t.http.get(`/api/v1/articles/${article.id}`).set(client.auth).expect(200);
      const seen = await t.http.get(`/api/v1/articles/${article.id}`).set(agent.auth).expect(200);
      expect(seen.body.stats.views).toBe(3);
    });
  });

  describe('search', () => {
    it('ranks a title match above a body match', async () => {
      expect(titles(await search('reset'))).toEqual(['How to reset your password', 'Shipping times']);
    });

    it('tolerates typos', async () => {
      expect(titles(await search('pasword reset'))[0]).toBe('How to reset your password');
      expect(titles(await search('invoise'))[0]).toBe('Invoices and receipts');
      expect(titles(await search('shiping'))[0]).toBe('Shipping times');
    });

    it('finds Russian word forms, and folds case and accents', async () => {
      expect(titles(await search('сброс пароля'))).toEqual(['Как сбросить пароль']);
      expect(titles(await search('ПАРОЛЕМ'))).toEqual(['Как сбросить пароль']);
      expect(titles(await search('INVOÍCES'))).toEqual(['Invoices and receipts']);
    });

    it('pages search results best first with a cursor', async () => {
      const first = await t.http.get('/api/v1/articles').query({ q: 'reset', limit: 1 }).expect(200);
      expect(titles(first.body.items)).toEqual(['How to reset your password']);
      const second = await t.http.get('/api/v1/articles').query({ q: 'reset', limit: 1, cursor: first.body.next_cursor }).expect(200);
      expect(titles(second.body.items)).toEqual(['Shipping times']);
      expect(second.body.next_cursor).toBeNull();
    });

    it('gives a snippet with the match in <b> and the article’s own HTML escaped', async () => {
      await write({
        title: 'Gift cards',
        content: 'Tom & Jerry <3 <script>alert("x")</script> "quoted" redeem the voucher at checkout <img src=x onerror=alert(1)>.',
        published: true,
      });
      const [hit] = await search('voucher');
      expect(hit.snippet).toContain('<b>voucher</b>');
      expect(hit.snippet).toContain('Tom &amp; Jerry &lt;3');
      expect(hit.snippet).not.toMatch(/<(?!\/?b>)/);
      expect(hit.snippet?.replace(/<\/?b>/g, '')).not.toMatch(/[<>]/);
    });

    it('answers a query with nothing to find with an empty page', async () => {
      const res = await t.http.get('/api/v1/articles').query({ q: 'zzzqqq xxyyzz' }).expect(200);
      expect(res.body).toEqual({ items: [], next_cursor: null });
    });
  });

  describe('suggestions', () => {
    it('suggests at most 3 published articles for a ticket the caller may see, and 404 for another’s', async () => {
      const ticket = await createTicket(t.db, { clientId: client.user.id, title: 'Forgot my password', description: 'I cannot sign in and need to reset the password.' });
      const forClient = await t.http.get('/api/v1/articles/suggest').query({ ticket_id: ticket.id }).set(client.auth).expect(200);
      expect(forClient.body.items.length).toBeLessThanOrEqual(3);
      expect(forClient.body.items[0].title).toBe('How to reset your password');
      expect(titles(forClient.body.items)).not.toContain('Internal: password policy draft');
      await t.http.get('/api/v1/articles/suggest').query({ ticket_id: ticket.id }).set(agent.auth).expect(200);
      await t.http.get('/api/v1/articles/suggest').query({ ticket_id: ticket.id }).set(otherClient.auth).expect(404);
      await t.http.get('/api/v1/articles/suggest').query({ ticket_id: ticket.id }).expect(401);
    });

    it('suggests for a text, typos included, and asks for exactly one of ticket_id and q', async () => {
      const res = await t.http.get('/api/v1/articles/suggest').query({ q: 'where is my invoise' }).set(client.auth).expect(200);
      expect(res.body.items[0].title).toBe('Invoices and receipts');
      const ru = await t.http.get('/api/v1/articles/suggest').query({ q: 'Не могу сбросить пароль' }).set(client.auth).expect(200);
      expect(ru.body.items[0].title).toBe('Как сбросить пароль');
      await t.http.get('/api/v1/articles/suggest').set(client.auth).expect(422);
      await t.http.get('/api/v1/articles/suggest').query({ q: 'x', ticket_id: 1 }).set(client.auth).expect(422);
    });
  });

  describe('feedback and report', () => {
    it('keeps one vote per user and article (a second replaces the first) and shows the counts to agents only', async () => {
      const [article] = await search('shipping');
      const first = await t.http.post(`/api/v1/articles/${article.id}/feedback`).set(client.auth).send({ helpful: true }).expect(200);
      expect(first.body).toEqual({ article_id: article.id, helpful: true, replaced: false });
      const again = await t.http.post(`/api/v1/articles/${article.id}/feedback`).set(client.auth).send({ helpful: false }).expect(200);
      expect(again.body).toEqual({ article_id: article.id, helpful: false, replaced: true });
      await t.http.post(`/api/v1/articles/${article.id}/feedback`).set(otherClient.auth).send({ helpful: false }).expect(200);
      await t.http.post(`/api/v1/articles/${article.id}/feedback`).set(agent.auth).send({ helpful: true }).expect(200);
      await t.http.post(`/api/v1/articles/${article.id}/feedback`).send({ helpful: true }).expect(401);
      await t.http.post(`/api/v1/articles/${article.id}/feedback`).set(client.auth).send({ helpful: 'yes' }).expect(422);

      const forAgent = await t.http.get(`/api/v1/articles/${article.id}`).set(agent.auth).expect(200);
      expect(forAgent.body.stats).toMatchObject({ helpful: 1, not_helpful: 2 });
      const forClient = await t.http.get(`/api/v1/articles/${article.id}`).set(client.auth).expect(200);
      expect(forClient.body.stats).toBeUndefined();

      const drafts = ((await t.http.get('/api/v1/articles').set(agent.auth).expect(200)).body.items as Article[]).filter((a) => !a.published);
      await t.http.post(`/api/v1/articles/${drafts[0].id}/feedback`).set(client.auth).send({ helpful: true }).expect(404);
      await t.http.post('/api/v1/articles/999999/feedback').set(client.auth).send({ helpful: true }).expect(404);
    });

    it('reports the most viewed and the least helpful articles to agents', async () => {
      const [invoices] = await search('invoices');
      const [reset] = await search('reset password');
      for (let i = 0; i < 5; i++) await t.http.get(`/api/v1/articles/${reset.id}`).expect(200);
      await t.http.post(`/api/v1/articles/${reset.id}/feedback`).set(otherClient.auth).send({ helpful: true }).expect(200);
      await t.http.post(`/api/v1/articles/${invoices.id}/feedback`).set(otherClient.auth).send({ helpful: false }).expect(200);

      const report = await t.http.get('/api/v1/articles/report').set(agent.auth).expect(200);
      expect(report.body.most_viewed[0]).toMatchObject({ id: reset.id, views: 5, helpful: 1, not_helpful: 0, helpful_share: 1 });
      expect(report.body.least_helpful[0]).toMatchObject({ id: invoices.id, helpful: 0, not_helpful: 1, helpful_share: 0 });
      expect(report.body.least_helpful.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([reset.id]));
      await t.http.get('/api/v1/articles/report').set(client.auth).expect(403);
      await t.http.get('/api/v1/articles/report').expect(401);
    });
  });
});

import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { FakeLlm, readSse } from './utils/fake-llm.js';
import { waitFor } from './utils/wait.js';

const ERROR_KEYS = ['details', 'error', 'message', 'request_id', 'status_code'];

describe('Suggested replies streamed from an OpenAI-compatible model', () => {
  const llm = new FakeLlm();
  let t: TestApp;
  let client: SignedInUser;
  let agent: SignedInUser;
  let ticketId: number;

  beforeAll(async () => {
    await llm.start();
    t = await createTestApp({ LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: 'sk-test-key', LLM_MODEL: 'fake-model', LLM_TIMEOUT_SECONDS: '1', AI_REPLIES_PER_HOUR: '1000' });
    client = await signedIn(t, { name: 'Anna' });
    agent = await signedIn(t, { role: 'agent' });
    ticketId = (await createTicket(t.db, { clientId: client.user.id, title: 'Cannot reset my password', description: 'The reset mail never arrives' })).id;
    await t.http.post(`/api/v1/tickets/${ticketId}/messages`).set(client.auth).send({ content: 'I tried three times today' }).expect(201);
    await t.http.post(`/api/v1/tickets/${ticketId}/notes`).set(agent.auth).send({ content: 'SECRET: mail provider is blocking us' }).expect(201);
  });

  afterAll(async () => {
    await t?.close();
    await llm.stop();
  });

  const url = (id = ticketId) => `${t.baseUrl}/api/v1/tickets/${id}/ai-response`;

  it('relays the model\'s tokens as several events, in order, then done', async () => {
    llm.mode = { kind: 'stream', tokens: ['Hello', ' Anna', ',', ' please', ' check', ' your', ' spam', ' folder.'], delayMs: 30 };
    const res = await readSse(url(), client.token);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/event-stream/);
    const tokens = res.events.filter((e) => e.event === 'token');
    expect(tokens.map((e) => (e.data as { text: string }).text).join('')).toBe('Hello Anna, please check your spam folder.');
    expect(tokens).toHaveLength(8);
    // Streamed, not buffered: the first piece arrived well before the last.
    expect(tokens[7].at - tokens[0].at).toBeGreaterThanOrEqual(100);
    expect(res.events.at(-1)).toMatchObject({ event: 'done', data: { source: 'llm' } });

    const request = llm.requests.at(-1)!;
    expect(request.authorization).toBe('Bearer sk-test-key');
    expect(request.body).toMatchObject({ model: 'fake-model', stream: true });
    const prompt = JSON.stringify(request.body.messages);
    expect(prompt).toContain('Cannot reset my password');
    expect(prompt).toContain('I tried three times today');
    // The customer's own request never carries the agents' internal notes.
    expect(prompt).not.toContain('SECRET');
  });

  it('gives an agent\'s request the internal notes too', async () => {
    llm.mode = { kind: 'stream', tokens: ['Noted'] };
    await readSse(url(), agent.token);
    expect(JSON.stringify(llm.requests.at(-1)!.body.messages)).toContain('SECRET: mail provider is blocking us');
  });

  it('counts the tokens it used', async () => {
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/llm_tokens_total\{kind="prompt"\} [1-9]/);
    expect(metrics.text).toMatch(/llm_tokens_total\{kind="completion"\} [1-9]/);
  });

  it('sends an upstream failure as an error event in the error shape', async () => {
    llm.mode = { kind: 'fail', status: 500 };
    const res = await readSse(url(), client.token);
    expect(res.status).toBe(200);
    const error = res.events.at(-1)!;
    expect(error.event).toBe('error');
    expect(Object.keys(error.data as object).sort()).toEqual(ERROR_KEYS);
    expect(error.data).toMatchObject({ status_code: 502, error: 'bad_gateway' });
    expect(JSON.stringify(error.data)).not.toMatch(/upstream broke|127\.0\.0\.1|sk-test/);
  });

  it('gives up on a model that does not answer, with a 504 error event', async () => {
    llm.mode = { kind: 'hang' };
    const res = await readSse(url(), client.token);
    expect(res.events.at(-1)).toMatchObject({ event: 'error', data: { status_code: 504, error: 'gateway_timeout' } });
    await waitFor(() => llm.requests.at(-1)!.abandoned);
  });

  it('aborts the upstream request when the caller goes away', async () => {
    llm.mode = { kind: 'stream', tokens: Array.from({ length: 200 }, (_, i) => ` word${i}`), delayMs: 20 };
    const before = llm.requests.length;
    const res = await readSse(url(), client.token, 2);
    expect(res.events).toHaveLength(2);
    await waitFor(() => llm.requests.length > before && llm.requests.at(-1)!.abandoned);
  });

  it('hides another customer\'s ticket (404) and refuses the anonymous (401), before streaming', async () => {
    const stranger = await signedIn(t);
    const hidden = await readSse(url(), stranger.token);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toMatchObject({ status_code: 404, error: 'not_found' });
    const anonymous = await fetch(url());
    expect(anonymous.status).toBe(401);
  });
});

describe('Suggested replies without a model, and their hourly allowance', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AI_REPLIES_PER_HOUR: '3' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('assembles a reply from the best-matching article when no model is configured', async () => {
    const agent = await signedIn(t, { role: 'agent' });
    const article = await t.http
      .post('/api/v1/articles')
      .set(agent.auth)
      .send({ title: 'Reset your password', content: '1. Open Settings\n2. Choose Password\n3. Follow the link in the mail', published: true, media_links: [], tags: ['password'] })
      .expect(201);
    const client = await signedIn(t, { name: 'Boris' });
    const ticket = await createTicket(t.db, { clientId: client.user.id, title: 'Password reset', description: 'How do I reset my password?' });
    const res = await readSse(`${t.baseUrl}/api/v1/tickets/${ticket.id}/ai-response`, client.token);
    const text = res.events.filter((e) => e.event === 'token').map((e) => (e.data as { text: string }).text).join('');
    expect(res.events.filter((e) => e.event === 'token').length).toBeGreaterThan(5);
    expect(text).toContain('Hello Boris,');
    expect(text).toContain('2. Choose Password');
    expect(text).toContain(`/articles/${article.body.id}`);
    expect(res.events.at(-1)).toMatchObject({ event: 'done', data: { source: 'articles', articles: [{ id: article.body.id, title: 'Reset your password' }] } });
  });

  it('refuses a user over AI_REPLIES_PER_HOUR with a 429 in the error shape', async () => {
    const client = await signedIn(t);
    const ticket = await createTicket(t.db, { clientId: client.user.id, title: 'Anything', description: 'Anything at all here' });
    const url = `${t.baseUrl}/api/v1/tickets/${ticket.id}/ai-response`;
    for (let i = 0; i < 3; i += 1) expect((await readSse(url, client.token)).status).toBe(200);
    const refused = await readSse(url, client.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status_code: 429, error: 'rate_limited', details: [{ policy: 'ai-replies-user', limit: 3 }] });
  });

  it('counts a visitor token’s replies against its visit: a visit started with an address never uses up its account’s allowance', async () => {
    const contact = await signedIn(t, { password: null });
    const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Someone', email: contact.user.email }).expect(201);
    const visitor = { Authorization: `Bearer ${visit.body.access_token}` };
    const visited = await t.http.post('/api/v1/tickets').set(visitor).send({ title: 'Asked by the visitor', description: 'Anything at all here' }).expect(201);
    const visitorUrl = `${t.baseUrl}/api/v1/tickets/${visited.body.id}/ai-response`;
    for (let i = 0; i < 3; i += 1) expect((await readSse(visitorUrl, visit.body.access_token)).status).toBe(200);
    expect((await readSse(visitorUrl, visit.body.access_token)).status).toBe(429);
    const own = await createTicket(t.db, { clientId: contact.user.id, title: 'Asked by the account', description: 'Anything at all here' });
    expect((await readSse(`${t.baseUrl}/api/v1/tickets/${own.id}/ai-response`, contact.token)).status).toBe(200);
  });
});

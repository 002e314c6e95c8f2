import { createTicket } from './factories/tickets.factory.js';
import { createUser, signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

interface Canned {
  id: number;
  shortcut: string;
  title: string;
  content: string;
  shared: boolean;
  owner_id: number;
  owner_name: string;
}

describe('canned responses', () => {
  let t: TestApp;
  let alex: SignedInUser;
  let sam: SignedInUser;
  let admin: SignedInUser;
  let client: SignedInUser;

  const create = (who: SignedInUser, body: object) => t.http.post('/api/v1/canned-responses').set(who.auth).send(body);
  const list = async (who: SignedInUser, query: Record<string, string | number> = {}) =>
    (await t.http.get('/api/v1/canned-responses').query(query).set(who.auth).expect(200)).body as { items: Canned[]; next_cursor: string | null };
  const shortcuts = (items: Canned[]) => items.map((c) => c.shortcut);
  const render = (who: SignedInUser, id: number, ticketId: number) => t.http.post(`/api/v1/canned-responses/${id}/render`).set(who.auth).send({ ticket_id: ticketId });

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
    [alex, sam, admin, client] = await Promise.all([
      signedIn(t, { role: 'agent', name: 'Alex' }),
      signedIn(t, { role: 'agent', name: 'Sam' }),
      signedIn(t, { role: 'admin', name: 'Ada' }),
      signedIn(t, { role: 'client' }),
    ]);
  });
  afterAll(() => t.close());

  it('keeps personal replies to their owner and shows shared ones to every agent', async () => {
    const personal = (await create(alex, { shortcut: '/Thanks', title: 'Thank you', content: 'Thanks, {{customer.name}}!' }).expect(201)).body as Canned;
    expect(personal).toMatchObject({ shortcut: 'thanks', shared: false, owner_id: alex.user.id, owner_name: 'Alex' });
    const shared = (await create(alex, { shortcut: 'welcome', title: 'Welcome', content: 'Welcome aboard', shared: true }).expect(201)).body as Canned;

    expect(shortcuts((await list(alex)).items)).toEqual(expect.arrayContaining(['thanks', 'welcome']));
    expect(shortcuts((await list(sam)).items)).toContain('welcome');
    expect(shortcuts((await list(sam)).items)).not.toContain('thanks');
    // Another agent, admins included, is not told a personal reply exists.
    for (const other of [sam, admin]) {
      await t.http.get(`/api/v1/canned-responses/${personal.id}`).set(other.auth).expect(404);
      await t.http.patch(`/api/v1/canned-responses/${personal.id}`).set(other.auth).send({ title: 'Mine now' }).expect(404);
      await t.http.delete(`/api/v1/canned-responses/${personal.id}`).set(other.auth).expect(404);
    }
    await t.http.get(`/api/v1/canned-responses/${shared.id}`).set(sam.auth).expect(200);
  });

  it('lets the author or an admin change a shared reply, and no other agent', async () => {
    const shared = (await create(sam, { shortcut: 'hours', title: 'Opening hours', content: 'We answer 9 to 5.', shared: true }).expect(201)).body as Canned;
    const refused = await t.http.patch(`/api/v1/canned-responses/${shared.id}`).set(alex.auth).send({ content: 'Never' }).expect(403);
    expect(refused.body.error).toBe('forbidden');
    await t.http.delete(`/api/v1/canned-responses/${shared.id}`).set(alex.auth).expect(403);

    const byAuthor = await t.http.patch(`/api/v1/canned-responses/${shared.id}`).set(sam.auth).send({ content: 'We answer 8 to 6.' }).expect(200);
    expect(byAuthor.body).toMatchObject({ content: 'We answer 8 to 6.', title: 'Opening hours', shared: true });
    const byAdmin = await t.http.patch(`/api/v1/canned-responses/${shared.id}`).set(admin.auth).send({ title: 'Hours' }).expect(200);
    expect(byAdmin.body).toMatchObject({ title: 'Hours', owner_id: sam.user.id });

    // Made personal again (by its author), it leaves the other agents' lists.
    await t.http.patch(`/api/v1/canned-responses/${shared.id}`).set(sam.auth).send({ shared: false }).expect(200);
    expect(shortcuts((await list(alex)).items)).not.toContain('hours');
    await t.http.delete(`/api/v1/canned-responses/${shared.id}`).set(sam.auth).expect(204);
    await t.http.get(`/api/v1/canned-responses/${shared.id}`).set(sam.auth).expect(404);
  });

  it('refuses a shortcut taken among the owner’s personal replies or among the shared ones (409)', async () => {
    await create(alex, { shortcut: 'bye', title: 'Bye', content: 'Bye!' }).expect(201);
    expect((await create(alex, { shortcut: 'BYE', title: 'Bye again', content: 'Bye!' }).expect(409)).body.error).toBe('conflict');
    // Another agent's personal reply and a shared one may use it.
    await create(sam, { shortcut: 'bye', title: 'Bye', content: 'See you' }).expect(201);
    await create(sam, { shortcut: 'bye', title: 'Bye (team)', content: 'The team says bye', shared: true }).expect(201);
    await create(admin, { shortcut: 'bye', title: 'Bye (team)', content: 'Again', shared: true }).expect(409);
  });

  it('searches by a prefix of the shortcut or of a title word, and pages by shortcut', async () => {
    const writer = await signedIn(t, { role: 'agent' });
    for (const shortcut of ['refund', 'refund-late', 'reset', 'prefix', 'shipping']) {
      await create(writer, { shortcut, title: shortcut === 'shipping' ? 'Where is my refund parcel' : `About ${shortcut}`, content: 'Text' }).expect(201);
    }
    const mine = (items: Canned[]) => shortcuts(items.filter((c) => c.owner_id === writer.user.id));
    // A shortcut's prefix, or a title word's ("Where is my refund parcel"; not "About prefix").
    expect(mine((await list(writer, { q: 'ref' })).items)).toEqual(['refund', 'refund-late', 'shipping']);
    expect(mine((await list(writer, { q: '/re' })).items)).toEqual(['refund', 'refund-late', 'reset']);
    expect(mine((await list(writer, { q: 'Refund Parcel' })).items)).toEqual(['shipping']);
    expect(mine((await list(writer, { q: 'efund' })).items)).toEqual([]);
    expect(mine((await list(writer, { q: ' ' })).items)).toHaveLength(5);
    // `%` and `_` are no wildcards.
    expect(mine((await list(writer, { q: '%' })).items)).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(writer, { q: 're', limit: 1, ...(cursor && { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...mine(page.items));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['refund', 'refund-late', 'reset', 'shipping']);
    const bad = await t.http.get('/api/v1/canned-responses').query({ cursor: Buffer.from('[1, "x y"]').toString('base64url') }).set(writer.auth).expect(422);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('renders the four placeholders from the ticket and leaves unknown ones as written', async () => {
    const customer = await createUser(t.db, { name: 'Anna {{ticket.id}} $&' });
    const ticket = await createTicket(t.db, { clientId: customer.id, title: 'Cannot log in' });
    const reply = (
      await create(alex, {
        shortcut: 'login',
        title: 'Login help',
        content: 'Hello {{ customer.name }}, about #{{ticket.id}} "{{ticket.title}}": {{order.id}} {{ customer.email }} {{agent}}. {{agent.name}}',
        shared: true,
      }).expect(201)
    ).body as Canned;
    // agent.name is the agent who renders (and sends) the reply.
    const rendered = await render(sam, reply.id, ticket.id).expect(200);
    expect(rendered.body).toEqual({
      content: `Hello Anna {{ticket.id}} $&, about #${ticket.id} "Cannot log in": {{order.id}} {{ customer.email }} {{agent}}. Sam`,
    });
    // The stored reply is unchanged.
    expect((await t.http.get(`/api/v1/canned-responses/${reply.id}`).set(alex.auth).expect(200)).body.content).toBe(reply.content);

    await render(sam, reply.id, 2_000_000_000).expect(404);
    await render(sam, 2_000_000_000, ticket.id).expect(404);
    await t.http.post(`/api/v1/canned-responses/${reply.id}/render`).set(sam.auth).send({}).expect(422);
  });

  it('is for agents only: customers get 403, anonymous callers 401', async () => {
    const shared = (await create(alex, { shortcut: 'agents-only', title: 'Agents only', content: 'Text', shared: true }).expect(201)).body as Canned;
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    await t.http.get('/api/v1/canned-responses').set(client.auth).expect(403);
    await create(client, { shortcut: 'mine', title: 'Mine', content: 'Text' }).expect(403);
    await t.http.get(`/api/v1/canned-responses/${shared.id}`).set(client.auth).expect(403);
    await render(client, shared.id, ticket.id).expect(403);
    await t.http.get('/api/v1/canned-responses').expect(401);
  });

  it('refuses bad input with 422', async () => {
    for (const body of [
      { shortcut: 'has space', title: 'T', content: 'C' },
      { shortcut: '', title: 'T', content: 'C' },
      { shortcut: 'x'.repeat(51), title: 'T', content: 'C' },
      { shortcut: 'ok', title: '  ', content: 'C' },
      { shortcut: 'ok', title: 'T', content: '   ' },
      { shortcut: 'ok', title: 'T', content: 'C', shared: null },
      { shortcut: 'ok', title: 'T', content: 'C', owner_id: 1 },
    ]) {
      expect((await create(alex, body).expect(422)).body.error).toBe('validation_failed');
    }
  });
});

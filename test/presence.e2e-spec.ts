import { randomUUID } from 'node:crypto';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import { signedIn } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { decodeJwtPayload } from './utils/jwt.js';
import { collect, next, socketPool } from './utils/socket.js';
import { twoInstances } from './utils/two-instances.js';
import { waitFor } from './utils/wait.js';

interface OnlineAgent {
  id: number;
  name: string;
  role: string;
}

/** GET /presence/agents and `agent:presence`: who of the team is online, for the console. */
describe('agents online', () => {
  let t: TestApp;
  const sockets = socketPool(() => t.baseUrl);

  beforeAll(async () => {
    t = await createTestApp({ AUTO_ASSIGN: 'false' });
  });
  // Each test starts with nobody online (the sockets closed by the last one are gone from presence).
  beforeEach(() => waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence')).length === 0));
  afterEach(() => sockets.closeAll());
  afterAll(() => t.close());

  const online = async (auth: Record<string, string>, query = ''): Promise<{ items: OnlineAgent[]; next_cursor: string | null }> =>
    (await t.http.get(`/api/v1/presence/agents${query}`).set(auth).expect(200)).body;

  it('lists the agents and admins with a connection, tells the others as they come and go, and is for agents only', async () => {
    const agent = await signedIn(t, { role: 'agent', name: 'Ada Agent' });
    const admin = await signedIn(t, { role: 'admin', name: 'Abe Admin' });
    const customer = await signedIn(t, { name: 'Cy Customer' });
    const watching = await sockets.open(agent);
    await sockets.open(customer);
    expect((await online(agent.auth)).items).toEqual([{ id: agent.user.id, name: 'Ada Agent', role: 'agent' }]);

    const cameOnline = next<{ user_id: number; name: string; online: boolean }>(watching, 'agent:presence', (e) => e.user_id === admin.user.id);
    const adminSocket = await sockets.open(admin);
    expect(await cameOnline).toEqual({ user_id: admin.user.id, name: 'Abe Admin', online: true });
    expect((await online(admin.auth)).items.map((a) => a.id)).toEqual([agent.user.id, admin.user.id]);

    // A second connection of the admin: closing one of them leaves it online.
    const second = await sockets.open(admin);
    second.close();
    const wentOffline = next<{ user_id: number; online: boolean }>(watching, 'agent:presence', (e) => e.user_id === admin.user.id && !e.online);
    await waitFor(async () => (await t.db.query('SELECT connections FROM agent_presence WHERE user_id = $1', [admin.user.id]))[0]?.connections === 1);
    expect((await online(agent.auth)).items.map((a) => a.id)).toContain(admin.user.id);
    adminSocket.close();
    expect(await wentOffline).toMatchObject({ user_id: admin.user.id, online: false });
    expect((await online(agent.auth)).items.map((a) => a.id)).toEqual([agent.user.id]);

    await t.http.get('/api/v1/presence/agents').set(customer.auth).expect(403);
    await t.http.get('/api/v1/presence/agents').expect(401);
  });

  it('says an agent is online once, at its first connection: not for another tab, nor a reconnect while one holds', async () => {
    const watcher = await signedIn(t, { role: 'agent' });
    const many = await signedIn(t, { role: 'agent', name: 'Manny Tabs' });
    const watching = await sockets.open(watcher);
    const events = collect<{ user_id: number; online: boolean }>(watching, 'agent:presence');
    const first = next(watching, 'agent:presence', (e: { user_id: number }) => e.user_id === many.user.id);
    await sockets.open(many);
    expect(await first).toEqual({ user_id: many.user.id, name: 'Manny Tabs', online: true });
    const second = await sockets.open(many);
    second.close();
    await waitFor(async () => (await t.db.query('SELECT connections FROM agent_presence WHERE user_id = $1', [many.user.id]))[0]?.connections === 1);
    await sockets.open(many);
    // Someone else coming online afterwards: by then any word about the tabs above has come.
    const later = await signedIn(t, { role: 'agent' });
    const laterOnline = next(watching, 'agent:presence', (e: { user_id: number }) => e.user_id === later.user.id);
    await sockets.open(later);
    await laterOnline;
    expect(events.filter((e) => e.user_id === many.user.id)).toEqual([{ user_id: many.user.id, name: 'Manny Tabs', online: true }]);
  });

  it('says an agent went offline when the rows of the instance it was on are removed as stale, unless it is connected elsewhere', async () => {
    const watcher = await signedIn(t, { role: 'agent' });
    // Created first: a word about it would come before the one about `stranded`.
    const elsewhere = await signedIn(t, { role: 'agent' });
    const stranded = await signedIn(t, { role: 'agent', name: 'Stella Stranded' });
    const customer = await signedIn(t);
    const watching = await sockets.open(watcher);
    const events = collect<{ user_id: number; online: boolean }>(watching, 'agent:presence');
    const crashed = randomUUID();
    const alive = randomUUID();
    const row = 'INSERT INTO agent_presence (instance_id, user_id, connections, seen_at) VALUES ($1, $2, 1, now() - $3::interval)';
    try {
      // An instance that crashed held all three; another one, alive, holds `elsewhere` too.
      for (const user of [elsewhere, stranded, customer]) await t.db.query(row, [crashed, user.user.id, '1 hour']);
      // ... and a visitor's connection (its rows go the same way, silently).
      const contact = await signedIn(t, { password: null });
      const visit = await t.http.post('/api/v1/auth/visitor').send({ name: 'Vic Visitor', email: contact.user.email }).expect(201);
      const visitorSession = decodeJwtPayload(visit.body.access_token as string).vis;
      await t.db.query(`INSERT INTO visitor_presence (instance_id, visitor_session_id, connections, seen_at) VALUES ($1, $2, 1, now() - interval '1 hour')`, [crashed, visitorSession]);
      await t.db.query(row, [alive, elsewhere.user.id, '0 seconds']);
      const offline = next(watching, 'agent:presence', (e: { user_id: number }) => e.user_id === stranded.user.id);
      await t.app.get(PresenceService).heartbeat();
      expect(await offline).toEqual({ user_id: stranded.user.id, name: 'Stella Stranded', online: false });
      expect(events.filter((e) => e.user_id === elsewhere.user.id || e.user_id === customer.user.id)).toEqual([]);
      expect((await online(watcher.auth)).items.map((a) => a.id)).toEqual([watcher.user.id, elsewhere.user.id]);
      expect(await t.db.query('SELECT 1 FROM visitor_presence WHERE instance_id = $1', [crashed])).toEqual([]);
    } finally {
      await t.db.query('DELETE FROM agent_presence WHERE instance_id = $1', [alive]);
    }
  });

  it('says an agent is online again when its instance confirms the connection after another removed it as stale', async () => {
    const watcher = await signedIn(t, { role: 'agent' });
    const returning = await signedIn(t, { role: 'agent', name: 'Rita Returning' });
    const customer = await signedIn(t);
    const watching = await sockets.open(watcher);
    const cameOnline = next(watching, 'agent:presence', (e: { user_id: number }) => e.user_id === returning.user.id);
    await sockets.open(returning);
    await cameOnline;
    await sockets.open(customer);
    await waitFor(async () => (await t.db.query('SELECT 1 FROM agent_presence WHERE user_id = $1', [customer.user.id])).length === 1);
    const events = collect<{ user_id: number; online: boolean }>(watching, 'agent:presence');
    // This instance stalled: another one removed its rows as stale (and told the consoles "offline").
    await t.db.query('DELETE FROM agent_presence WHERE user_id = ANY($1)', [[returning.user.id, customer.user.id]]);
    expect((await online(watcher.auth)).items.map((a) => a.id)).toEqual([watcher.user.id]);

    const back = next(watching, 'agent:presence', (e: { user_id: number }) => e.user_id === returning.user.id);
    await t.app.get(PresenceService).heartbeat();
    expect(await back).toEqual({ user_id: returning.user.id, name: 'Rita Returning', online: true });
    expect((await online(watcher.auth)).items.map((a) => a.id)).toEqual([watcher.user.id, returning.user.id]);
    // Only the agent whose row came back is announced: not the watcher (its row stayed), not the customer.
    expect(events.map((e) => e.user_id)).toEqual([returning.user.id]);
  });

  it('pages by id with the list conventions', async () => {
    const agents = [await signedIn(t, { role: 'agent' }), await signedIn(t, { role: 'agent' }), await signedIn(t, { role: 'agent' })];
    for (const agent of agents) await sockets.open(agent);
    const first = await online(agents[0].auth, '?limit=2');
    expect(first.items.map((a) => a.id)).toEqual([agents[0].user.id, agents[1].user.id]);
    const rest = await online(agents[0].auth, `?limit=2&cursor=${first.next_cursor}`);
    expect(rest).toEqual({ items: [expect.objectContaining({ id: agents[2].user.id })], next_cursor: null });
    const bad = await t.http.get('/api/v1/presence/agents?cursor=nonsense').set(agents[0].auth).expect(422);
    expect(bad.body).toMatchObject({ error: 'validation_failed' });
  });
});

/** Over two instances: an agent connected to both goes offline only when its last connection, anywhere, closes. */
describe('agents online, two instances', () => {
  let a: TestApp;
  let b: TestApp;
  const { open } = twoInstances({ AUTO_ASSIGN: 'false' }, (first, second) => {
    a = first;
    b = second;
  });

  it('tells the agents on A that an agent went offline once its connections on A and B are both closed', async () => {
    const watcher = await signedIn(a, { role: 'agent', name: 'Wanda Watcher' });
    const roaming = await signedIn(a, { role: 'agent', name: 'Rory Roaming' });
    const watching = await open(a, watcher.token);
    const events = collect<{ user_id: number; online: boolean }>(watching, 'agent:presence');
    const onA = await open(a, roaming.token);
    const onB = await open(b, roaming.token);
    await waitFor(async () => (await onlineIds(a, watcher.auth)).includes(roaming.user.id));

    // Closing the connection on B leaves one on A: no "offline".
    onB.close();
    await waitFor(async () => Number((await a.db.query('SELECT coalesce(sum(connections), 0)::int AS n FROM agent_presence WHERE user_id = $1', [roaming.user.id]))[0].n) === 1);
    expect(await onlineIds(a, watcher.auth)).toContain(roaming.user.id);
    expect(events.filter((e) => e.user_id === roaming.user.id && !e.online)).toEqual([]);
    const offline = next<{ user_id: number; online: boolean }>(watching, 'agent:presence', (e) => e.user_id === roaming.user.id && !e.online);
    onA.close();
    expect(await offline).toMatchObject({ user_id: roaming.user.id, online: false });
    expect(await onlineIds(b, watcher.auth)).toEqual([watcher.user.id]);
  });

  it('tells the consoles an agent came online when its first connections open on A and B at once', async () => {
    const watcher = await signedIn(a, { role: 'agent' });
    const twin = await signedIn(a, { role: 'agent', name: 'Tess Twin' });
    const watching = await open(a, watcher.token);
    const cameOnline = next<{ user_id: number; online: boolean }>(watching, 'agent:presence', (e) => e.user_id === twin.user.id && e.online);
    // Each handshake records its connection and then sees the other's: neither is alone, yet the consoles must hear of it.
    await Promise.all([open(a, twin.token), open(b, twin.token)]);
    expect(await cameOnline).toEqual({ user_id: twin.user.id, name: 'Tess Twin', online: true });
  });
});

async function onlineIds(app: TestApp, auth: Record<string, string>): Promise<number[]> {
  return (await app.http.get('/api/v1/presence/agents').set(auth).expect(200)).body.items.map((i: { id: number }) => i.id);
}

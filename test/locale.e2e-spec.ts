import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-db.js';

const ENGLISH = [
  ['Technical support', 'Problems using the product'],
  ['Billing', 'Invoices, payments and refunds'],
  ['Logistics', 'Orders, delivery and returns'],
  ['General questions', 'Everything else'],
  ['Email', 'Tickets opened by e-mail'],
];
const RUSSIAN = [
  ['Техническая поддержка', 'Проблемы при работе с продуктом'],
  ['Биллинг', 'Счета, оплата и возвраты денег'],
  ['Логистика', 'Заказы, доставка и возвраты'],
  ['Общие вопросы', 'Всё остальное'],
  ['Письма из почты', 'Тикеты, созданные из писем'],
];

async function queues(t: TestApp, who: SignedInUser): Promise<string[][]> {
  const res = await t.http.get('/api/v1/queues').set(who.auth).expect(200);
  return (res.body.items as { name: string; description: string }[]).map((q) => [q.name, q.description]);
}

/** Runs `fn` against an app started on `database` with `env`, then stops that app. */
async function withApp<T>(database: TestDatabase, env: Record<string, string>, fn: (t: TestApp) => Promise<T>): Promise<T> {
  const t = await createTestApp(env, database);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

describe('LOCALE', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  it.each([
    ['ru', RUSSIAN],
    ['en', ENGLISH],
  ])('with LOCALE=%s a new database lists the seeded queues in that language', async (locale, expected) => {
    await withApp(database, { LOCALE: locale }, async (t) => {
      const client = await signedIn(t);
      expect(await queues(t, client)).toEqual(expected);
    });
  });

  it('sends a ticket that names no queue to the general queue, whatever it is called', async () => {
    await withApp(database, { LOCALE: 'ru', AUTO_ASSIGN: 'false' }, async (t) => {
      const admin = await signedIn(t, { role: 'admin' });
      const client = await signedIn(t);
      const listed = await t.http.get('/api/v1/queues').set(client.auth).expect(200);
      const general = (listed.body.items as { id: number; name: string }[]).find((q) => q.name === 'Общие вопросы')!;
      await t.http.patch(`/api/v1/queues/${general.id}`).set(admin.auth).send({ name: 'Разное' }).expect(200);
      const ticket = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Вопрос', description: 'Где мой заказ?' }).expect(201);
      expect(ticket.body.queue_id).toBe(general.id);
    });
  });

  it('keeps what an admin edited when the locale changes, and renames only the untouched queues', async () => {
    await withApp(database, { LOCALE: 'en' }, async (t) => {
      const admin = await signedIn(t, { role: 'admin' });
      const ids = ((await t.http.get('/api/v1/queues').set(admin.auth).expect(200)).body.items as { id: number }[]).map((q) => q.id);
      await t.http.patch(`/api/v1/queues/${ids[1]}`).set(admin.auth).send({ name: 'Payments' }).expect(200);
      await t.http.patch(`/api/v1/queues/${ids[2]}`).set(admin.auth).send({ description: 'Parcels only' }).expect(200);
      // A queue of the admin's own already bears the Russian name of "General questions".
      await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'Общие вопросы', description: 'Mine' }).expect(201);
    });

    const edited = [
      ['Payments', 'Invoices, payments and refunds'],
      ['Logistics', 'Parcels only'],
    ];
    await withApp(database, { LOCALE: 'ru' }, async (t) => {
      expect(await queues(t, await signedIn(t))).toEqual([RUSSIAN[0], ...edited, ENGLISH[3], RUSSIAN[4], ['Общие вопросы', 'Mine']]);
    });
    await withApp(database, { LOCALE: 'en' }, async (t) => {
      expect(await queues(t, await signedIn(t))).toEqual([ENGLISH[0], ...edited, ENGLISH[3], ENGLISH[4], ['Общие вопросы', 'Mine']]);
    });
  });

  it('names the queues when several instances start together on a new database', async () => {
    const apps = await Promise.all([createTestApp({ LOCALE: 'ru' }, database), createTestApp({ LOCALE: 'ru' }, database)]);
    try {
      for (const t of apps) expect(await queues(t, await signedIn(t))).toEqual(RUSSIAN);
    } finally {
      await Promise.all(apps.map((t) => t.close()));
    }
  });

  it('names the first admin in the configured language', async () => {
    await withApp(database, { LOCALE: 'ru', ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'long-enough-secret' }, async (t) => {
      const login = await t.http.post('/api/v1/auth/login').send({ email: 'boss@example.test', password: 'long-enough-secret' }).expect(200);
      const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
      expect(me.body).toMatchObject({ email: 'boss@example.test', name: 'Администратор', role: 'admin' });
    });
  });
});

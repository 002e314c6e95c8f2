import { createUser } from './factories/users.factory.js';
import { createTestApp } from './utils/create-test-app.js';
import { createTestDatabase } from './utils/test-db.js';

describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  const env = { ADMIN_EMAIL: 'Boss@Example.test', ADMIN_PASSWORD: 'boss-password' };

  it('creates the admin on a new database, once across restarts', async () => {
    const database = await createTestDatabase();
    try {
      for (let boot = 0; boot < 2; boot += 1) {
        const t = await createTestApp(env, database);
        try {
          const login = await t.http.post('/api/v1/auth/login').send({ email: 'boss@example.test', password: 'boss-password' }).expect(200);
          const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
          expect(me.body.role).toBe('admin');
          const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE role = 'admin'`);
          expect(count).toBe(1);
        } finally {
          await t.close();
        }
      }
    } finally {
      await database.drop();
    }
  });

  it('leaves a database that already has an admin alone', async () => {
    const database = await createTestDatabase();
    try {
      const first = await createTestApp({}, database);
      await createUser(first.db, { role: 'admin', email: 'existing@example.test' });
      await first.close();
      const t = await createTestApp(env, database);
      try {
        await t.http.post('/api/v1/auth/login').send({ email: 'boss@example.test', password: 'boss-password' }).expect(401);
      } finally {
        await t.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('creates nothing without both settings', async () => {
    const t = await createTestApp({ ADMIN_EMAIL: 'half@example.test' });
    try {
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users`);
      expect(count).toBe(0);
    } finally {
      await t.close();
    }
  });
});

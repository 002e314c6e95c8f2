import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createUser, DEFAULT_PASSWORD } from './factories/users.factory.js';
import { createTestApp } from './utils/create-test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-db.js';
import { waitFor } from './utils/wait.js';

/** The built CLI (`npm run create-admin` runs it); `npm test` builds first. */
const CREATE_ADMIN = path.resolve('dist/src/cli/create-admin.js');

function createAdmin(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CREATE_ADMIN, ...args],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl }, cwd: tmpdir() },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function adminCount(database: TestDatabase): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM users WHERE role = 'admin'`);
    return rows[0].count;
  } finally {
    await client.end();
  }
}

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

describe('first admin without ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  let dataDir: string;
  /** The settings of a development instance whose local data lives in `dir`. */
  const development = (dir: string) => ({ NODE_ENV: 'development', EMBEDDED_PG_DIR: path.join(dir, 'postgres') });

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'support-data-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('in development creates admin@localhost once, with a generated password kept in a private file', async () => {
    const database = await createTestDatabase();
    const file = path.join(dataDir, 'initial-admin-password');
    try {
      const first = await createTestApp(development(dataDir), database);
      let written: { password: string; mtimeMs: number };
      try {
        const info = await stat(file);
        expect(info.mode & 0o777).toBe(0o600);
        const password = (await readFile(file, 'utf8')).trim();
        expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
        written = { password, mtimeMs: info.mtimeMs };
        const login = await first.http.post('/api/v1/auth/login').send({ email: 'admin@localhost', password }).expect(200);
        const me = await first.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
        expect(me.body).toMatchObject({ email: 'admin@localhost', role: 'admin', is_active: true });
      } finally {
        await first.close();
      }

      const second = await createTestApp(development(dataDir), database);
      try {
        expect(await adminCount(database)).toBe(1);
        expect((await readFile(file, 'utf8')).trim()).toBe(written.password);
        expect((await stat(file)).mtimeMs).toBe(written.mtimeMs);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('creates one admin between instances that start together', async () => {
    const database = await createTestDatabase();
    const otherDir = await mkdtemp(path.join(tmpdir(), 'support-data-'));
    try {
      const apps = await Promise.all([createTestApp(development(dataDir), database), createTestApp(development(otherDir), database)]);
      await Promise.all(apps.map((t) => t.close()));
      expect(await adminCount(database)).toBe(1);
      const files = [dataDir, otherDir].filter((dir) => existsSync(path.join(dir, 'initial-admin-password')));
      expect(files).toHaveLength(1);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
      await database.drop();
    }
  });

  it('in production creates nothing', async () => {
    const database = await createTestDatabase();
    try {
      const t = await createTestApp({ ...development(dataDir), NODE_ENV: 'production' }, database);
      await t.close();
      expect(await adminCount(database)).toBe(0);
      expect(existsSync(path.join(dataDir, 'initial-admin-password'))).toBe(false);
    } finally {
      await database.drop();
    }
  });
});

describe('npm run create-admin', () => {
  it('creates an admin that can sign in, with a generated password it prints', async () => {
    const database = await createTestDatabase();
    try {
      const run = await createAdmin(['--email', 'Ops@Example.test'], database.url);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const password = /^Password: (\S+)$/m.exec(run.stdout)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const t = await createTestApp({}, database);
      try {
        const login = await t.http.post('/api/v1/auth/login').send({ email: 'ops@example.test', password }).expect(200);
        const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
        expect(me.body.role).toBe('admin');
      } finally {
        await t.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('refuses the e-mail of an existing user unless --promote, which makes it an active admin and ends its tokens', async () => {
    const database = await createTestDatabase();
    try {
      const t = await createTestApp({}, database);
      try {
        await createUser(t.db, { email: 'casey@example.test', role: 'client' });
        const before = await t.http.post('/api/v1/auth/login').send({ email: 'casey@example.test', password: DEFAULT_PASSWORD }).expect(200);
        const refused = await createAdmin(['--email', 'casey@example.test', '--password', 'chosen-password'], database.url);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('--promote');
        expect(await adminCount(database)).toBe(0);

        const promoted = await createAdmin(['--email', 'casey@example.test', '--password', 'chosen-password', '--promote'], database.url);
        expect(promoted.code).toBe(0);
        expect(promoted.stdout).not.toContain('chosen-password');
        await waitFor(async () => (await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${before.body.access_token}`)).status === 401);
        const login = await t.http.post('/api/v1/auth/login').send({ email: 'casey@example.test', password: 'chosen-password' }).expect(200);
        const me = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
        expect(me.body).toMatchObject({ role: 'admin', is_active: true });
      } finally {
        await t.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('migrates a database without the schema first, and refuses bad arguments', async () => {
    const database = await createTestDatabase();
    const emptyName = `${database.name}_empty`;
    const admin = new pg.Client({ connectionString: process.env.TEST_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${emptyName}"`);
      const emptyUrl = Object.assign(new URL(database.url), { pathname: `/${emptyName}` }).toString();
      const run = await createAdmin(['--email', 'first@example.test', '--password', 'first-password'], emptyUrl);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Ran migrations');
      expect(await adminCount({ ...database, url: emptyUrl })).toBe(1);

      const bad = await createAdmin(['--email', 'not-an-address'], emptyUrl);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('--email must be an e-mail address');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${emptyName}" WITH (FORCE)`);
      await admin.end();
      await database.drop();
    }
  });
});

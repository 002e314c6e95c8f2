import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '#src/database/embedded-postgres.js';
import { createTestDatabase } from './utils/test-db.js';

/**
 * Runs the built service (`npm start` runs `node dist/src/main.js`) as a real process, the way a
 * user starts it. `npm test` builds first.
 */
const MAIN = path.resolve('dist/src/main.js');

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', CRON_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port: Number(env.PORT), output: () => output, exit };
}

async function waitForHealth(started: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`service exited early:\n${started.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${started.port}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no /health within ${timeoutMs} ms:\n${started.output()}`);
}

async function postmasterPid(dataDir: string): Promise<number | null> {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  return Number((await readFile(file, 'utf8')).split('\n')[0]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SLOW = 120_000;

describe('npm start', () => {
  let workDir: string;

  beforeAll(async () => {
    expect(existsSync(MAIN)).toBe(true);
    workDir = await mkdtemp(path.join(tmpdir(), 'support-start-'));
    await chmod(workDir, 0o755);
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('starts an embedded PostgreSQL without DATABASE_URL, keeps its data, and stops it on SIGTERM', async () => {
    const dataDir = path.join(workDir, 'pg');
    const env = {
      PORT: String(await findFreePort()),
      EMBEDDED_PG_DIR: dataDir,
      ADMIN_EMAIL: 'root@example.test',
      ADMIN_PASSWORD: 'admin-password',
    };
    const first = start(env);
    await waitForHealth(first);
    expect(first.output()).toContain('started an embedded PostgreSQL');
    expect(first.output()).not.toContain('admin-password');
    const login = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.test', password: 'admin-password' }),
    });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const created = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/queues`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Kept across restarts' }),
    });
    expect(created.status).toBe(201);

    const pgPid = await postmasterPid(dataDir);
    expect(pgPid).not.toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(isRunning(pgPid!)).toBe(false);

    // Restarted on the same data: the queue is still there and the admin is not created twice.
    const second = start({ ...env, PORT: String(await findFreePort()) });
    await waitForHealth(second);
    const relogin = await fetch(`http://127.0.0.1:${second.port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.test', password: 'admin-password' }),
    });
    const { access_token: token2 } = (await relogin.json()) as { access_token: string };
    const queues = await fetch(`http://127.0.0.1:${second.port}/api/v1/queues`, { headers: { Authorization: `Bearer ${token2}` } });
    const names = ((await queues.json()) as { items: { name: string }[] }).items.map((q) => q.name);
    expect(names).toContain('Kept across restarts');
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, SLOW);

  it('uses DATABASE_URL when it is set and starts no database', async () => {
    const database = await createTestDatabase();
    try {
      const started = start({ PORT: String(await findFreePort()), DATABASE_URL: database.url, EMBEDDED_PG_DIR: path.join(workDir, 'unused') });
      await waitForHealth(started);
      expect(started.output()).toContain('Using the PostgreSQL from DATABASE_URL');
      expect(started.output()).not.toContain(database.url.split('@')[0].split(':')[2] || 'never-matches');
      expect(existsSync(path.join(workDir, 'unused'))).toBe(false);
      started.child.kill('SIGTERM');
      expect(await started.exit).toBe(0);
    } finally {
      await database.drop();
    }
  }, SLOW);

  it('refuses to start on bad settings and names them', async () => {
    const started = start({ PORT: 'eighty', JWT_EXPIRES_IN: 'forever' });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('PORT must be an integer');
    expect(started.output()).toContain('JWT_EXPIRES_IN');
  }, SLOW);

  it('refuses the development JWT secret in production', async () => {
    const started = start({ NODE_ENV: 'production', PORT: String(await findFreePort()) });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('JWT_SECRET');
  });
});

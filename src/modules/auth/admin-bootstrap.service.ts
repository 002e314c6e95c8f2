import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runExclusively } from '#src/common/database/advisory-lock.js';
import { JobLock } from '#src/common/database/advisory-locks.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { I18nService } from '#src/common/i18n/i18n.service.js';
import { generateSecret } from '#src/common/util/secrets.js';
import { AppConfig } from '#src/config/app-config.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';

/** The admin a development database gets when no ADMIN_EMAIL / ADMIN_PASSWORD is set. */
const GENERATED_ADMIN_EMAIL = 'admin@localhost';

/**
 * Where the generated password is written: the folder that holds the embedded database
 * (`./.data/` by default, the parent of EMBEDDED_PG_DIR), also when DATABASE_URL is set.
 */
function initialAdminPasswordFile(config: AppConfig): string {
  return path.join(path.dirname(path.resolve(config.embeddedPgDir)), 'initial-admin-password');
}

/** Replaces `file` at once with `text`, readable by its owner only (0600). */
async function writePrivateFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * The first admin of a database that has none: from ADMIN_EMAIL / ADMIN_PASSWORD when both are
 * set; otherwise, in development, `admin@localhost` with a generated password, logged once and
 * written to `initial-admin-password`; in production a warning that says how to create one; in
 * tests nothing (each test makes its own users). Instances starting together create one admin
 * between them: the check and the insert run under an advisory lock.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly i18n: I18nService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword, nodeEnv } = this.config;
    if ((adminEmail === null) !== (adminPassword === null)) {
      this.logger.warn(this.i18n.t('admin_bootstrap.half_configured'));
      return;
    }
    if (await this.users.anyAdminExists()) return;
    if (adminEmail && adminPassword) {
      if ((await this.createFirstAdmin(adminEmail, adminPassword)) !== null) {
        this.logger.log({ email: adminEmail }, this.i18n.t('admin_bootstrap.created_from_env', { email: adminEmail }));
      }
    } else if (nodeEnv === 'production') {
      this.logger.warn(this.i18n.t('admin_bootstrap.none'));
    } else if (nodeEnv === 'development') {
      await this.createGeneratedAdmin();
    }
  }

  private async createGeneratedAdmin(): Promise<void> {
    const password = generateSecret();
    const file = initialAdminPasswordFile(this.config);
    let saved = true;
    // Written before the admin is committed, so there is never an admin whose password went nowhere.
    const id = await this.createFirstAdmin(GENERATED_ADMIN_EMAIL, password, async () => {
      try {
        await writePrivateFile(file, `${password}\n`);
      } catch (error) {
        saved = false;
        this.logger.warn({ file, err: (error as Error).message }, 'Could not write the initial admin password file');
      }
    });
    if (id === null) return;
    const params = { email: GENERATED_ADMIN_EMAIL, password, id };
    this.logger.log(
      { email: GENERATED_ADMIN_EMAIL, file: saved ? file : null },
      saved ? this.i18n.t('admin_bootstrap.created_generated_saved', { ...params, file }) : this.i18n.t('admin_bootstrap.created_generated', params),
    );
  }

  /**
   * Inserts an admin unless one exists by the time the lock is held (or another instance holds
   * it, and is doing the same). `beforeCommit` runs in the transaction. Returns the new id or null.
   */
  private async createFirstAdmin(email: string, password: string, beforeCommit?: () => Promise<void>): Promise<number | null> {
    const passwordHash = await this.hasher.hash(password);
    try {
      const id = await runExclusively(this.db, JobLock.ADMIN_BOOTSTRAP, async (manager) => {
        if (await this.users.anyAdminExists(manager)) return null;
        const user = await this.users.insert({ email, name: this.i18n.t('users.admin.default_name'), role: 'admin', passwordHash }, manager);
        await beforeCommit?.();
        return user.id;
      });
      return id ?? null;
    } catch (error) {
      // The address belongs to an existing non-admin user.
      if (!(error instanceof AppError && error.code === ErrorCode.CONFLICT)) throw error;
      this.logger.warn({ email }, this.i18n.t('admin_bootstrap.email_taken', { email }));
      return null;
    }
  }
}

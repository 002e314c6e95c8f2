import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { AppConfig } from '#src/config/app-config.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';

/** On a database without an admin, creates one from ADMIN_EMAIL / ADMIN_PASSWORD (idempotent). */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if (await this.users.anyAdminExists()) return;
    try {
      await this.users.insert({ email: adminEmail, name: 'Administrator', role: 'admin', passwordHash: await this.hasher.hash(adminPassword) });
      this.logger.log({ email: adminEmail }, 'Created the first admin from ADMIN_EMAIL');
    } catch (error) {
      // Another instance won the race, or the address belongs to an existing non-admin user.
      if (!(error instanceof AppError && error.code === ErrorCode.CONFLICT)) throw error;
      this.logger.warn('ADMIN_EMAIL is already taken; no admin was created');
    }
  }
}

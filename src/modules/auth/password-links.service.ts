import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { AppConfig } from '#src/config/app-config.js';
import { type PasswordTokenPurpose, PasswordTokensRepository } from '#src/modules/auth/password-tokens.repository.js';
import { MailService } from '#src/modules/mail/mail.service.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import type { UserWithPassword } from '#src/modules/users/users.repository.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** A reset request answers no sooner than this, known address or not, so its timing tells nothing. */
export const RESET_ANSWER_MS = 300;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

const badLink = () =>
  new AppError(ErrorCode.VALIDATION_FAILED, 'This link is invalid, used or expired; ask for a new one', [
    { field: 'token', problems: ['token is invalid, used or expired'] },
  ]);

/**
 * One-time links that set a password, by mail (issue 13): a forgotten password (`reset`), and a
 * contact (a customer known only by e-mail, without a password) claiming its account (`claim`).
 * The link carries 32 random bytes; only their SHA-256 is stored. It works once, until
 * PASSWORD_LINK_TTL, and using it ends every other link and every token of the user.
 */
@Injectable()
export class PasswordLinksService {
  private readonly logger = new Logger(PasswordLinksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly tokens: PasswordTokensRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly mail: MailService,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
  ) {}

  /**
   * A forgotten password: an active user with a password gets a reset link; anyone else nothing.
   * Answers after RESET_ANSWER_MS whatever happened, so neither the answer nor its timing says
   * whether the address is known.
   */
  async requestReset(email: string): Promise<void> {
    const started = Date.now();
    try {
      const user = await this.users.findByEmailWithPassword(email);
      if (user?.isActive && user.passwordHash) await this.send(user, 'reset');
    } finally {
      const left = RESET_ANSWER_MS - (Date.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  /** Signup with a contact's address: the contact gets a link that sets the password (nobody is signed in). */
  async requestClaim(user: UserWithPassword): Promise<void> {
    if (user.isActive && !user.passwordHash) await this.send(user, 'claim');
  }

  /** Sets the password of the link's user, once; ends every other link and token of the user. */
  async confirm(token: string, newPassword: string): Promise<void> {
    const hash = hashOf(token);
    if (!(await this.tokens.isUsable(hash, this.clock.now()))) throw badLink();
    const passwordHash = await this.hasher.hash(newPassword);
    const userId = await this.dataSource.transaction(async (manager) => {
      const id = await this.tokens.consume(manager, hash, this.clock.now());
      const user = id === null ? null : await this.users.findById(id, manager);
      if (!user?.isActive) throw badLink();
      await this.users.update(user.id, { passwordHash, bumpTokenVersion: true }, manager);
      return user.id;
    });
    this.logger.log({ userId }, 'Password set through a mailed link; other sessions ended');
    this.events.publish('user.sessions_ended', { userId });
  }

  private async send(user: UserWithPassword, purpose: PasswordTokenPurpose): Promise<void> {
    if (!this.mail.enabled) return;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.passwordLinkTtlSeconds * 1000);
    const link = `${this.config.publicUrl}/password-reset?token=${token}`;
    const sent = await this.dataSource.transaction(async (manager) => {
      const queued = await this.mail.link(manager, user, purpose === 'reset' ? 'password_reset' : 'account_claim', link);
      // A link the cap kept from being mailed is not stored either.
      if (queued) await this.tokens.insert(manager, { userId: user.id, hash: hashOf(token), purpose, expiresAt }, this.clock.now());
      return queued;
    });
    if (sent) this.logger.log({ userId: user.id, purpose }, 'Password link mailed');
  }
}

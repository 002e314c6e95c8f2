import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { AppConfig } from '#src/config/app-config.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import type { LoginDto, SignupDto, SignupResponseDto, TokenResponseDto } from '#src/modules/auth/dto/auth.dto.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { toUserResponse, type UserResponseDto } from '#src/modules/users/dto/user.dto.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import { UsersService } from '#src/modules/users/users.service.js';
import type {} from '#src/modules/auth/auth.events.js'; // DomainEvents entries (types only)

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly auth: AuthRepository,
    private readonly events: DomainEventPublisher,
  ) {}

  async signup(dto: SignupDto): Promise<SignupResponseDto> {
    const user = await this.users.insert({
      email: dto.email,
      name: dto.name,
      role: 'client',
      passwordHash: await this.hasher.hash(dto.password),
    });
    this.logger.log({ userId: user.id }, 'Client signed up');
    return { user: toUserResponse(user), ...(await this.tokens.issue(user)) };
  }

  /**
   * The same 401 for an unknown e-mail, a wrong password, a contact without a password and a
   * deactivated account. Each attempt is counted before the password is checked, atomically, so
   * however requests interleave at most `loginMaxFailures` of them per window (per IP and
   * e-mail) get that far; the rest are 429 with Retry-After. A successful login forgets the count.
   */
  async login(dto: LoginDto, ip: string, now: Date): Promise<TokenResponseDto> {
    const key = `${ip}|${dto.email}`;
    const { loginMaxFailures, loginWindowSeconds } = this.config;
    const attempt = await this.auth.countAttempt(key, now, loginMaxFailures, loginWindowSeconds);
    if (attempt.attempts > loginMaxFailures) {
      const retryAfter = attempt.retryAfterSeconds;
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed logins; try again later', [{ retry_after_seconds: retryAfter }], {
        'Retry-After': String(retryAfter),
      });
    }
    const user = await this.users.findByEmailWithPassword(dto.email);
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? null, dto.password);
    if (!user || !passwordOk || !user.isActive) {
      this.logger.warn({ ip }, 'Failed login');
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid e-mail or password');
    }
    await this.auth.clearAttempts(key);
    await this.users.touchLastLogin(user.id, now);
    return this.tokens.issue(user);
  }

  async logout(user: AuthUser, now: Date): Promise<void> {
    await this.tokens.revoke(user, now);
    this.events.publish('user.token_revoked', { userId: user.id, jti: user.jti });
  }

  me(user: AuthUser): Promise<UserResponseDto> {
    return this.usersService.get(user.id);
  }
}

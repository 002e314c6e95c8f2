import { hkdfSync } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { AppConfig } from '#src/config/app-config.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import { PasswordLinksService } from '#src/modules/auth/password-links.service.js';
import {
  decideRenewal,
  firstVisitSecret,
  issuedToVisit,
  nextVisitSecret,
  type RenewalDecision,
  visitKeyHash,
} from '#src/modules/auth/domain/visit-key-rotation.js';
import { mayChatAsVisitor, parseVisitKey, VISIT_MAX_DAYS, visitGoesOn, visitKey } from '#src/modules/auth/domain/visitor.js';
import type {
  ChangePasswordDto,
  LoginDto,
  SignupDto,
  SignupResponseDto,
  TokenResponseDto,
  UpdateMeDto,
  VisitorDto,
  VisitorResponseDto,
  VisitTokenResponseDto,
} from '#src/modules/auth/dto/auth.dto.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { toUserResponse, type UserResponseDto } from '#src/modules/users/dto/user.dto.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import { UsersService } from '#src/modules/users/users.service.js';
import type {} from '#src/modules/auth/auth.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** A visitor's token may chat, not change the account it chats under. */
const visitorsMayNot = () => new AppError(ErrorCode.FORBIDDEN, 'A chat without an account cannot change the account; claim it by the mailed link first');

/**
 * The one answer for every key that renews nothing: unknown, replaced, of an ended visit, or reused
 * (which ends the visit): whoever presents a copied key learns nothing from it.
 */
const visitCannotGoOn = () =>
  new AppError(ErrorCode.UNAUTHORIZED, 'This chat has ended or its key was replaced: start a new chat, or set a password with the mailed link and log in');

const wrongCurrentPassword = () =>
  new AppError(ErrorCode.VALIDATION_FAILED, 'The current password is wrong', [{ field: 'current_password', problems: ['current_password is wrong'] }]);

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Signs visit keys (domain/visit-key-rotation), derived from the token secret, so that no other setting is needed. */
  private readonly visitKeyMac: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly auth: AuthRepository,
    private readonly events: DomainEventPublisher,
    private readonly passwordLinks: PasswordLinksService,
    private readonly dataSource: DataSource,
  ) {
    this.visitKeyMac = Buffer.from(hkdfSync('sha256', config.jwtSecret, '', 'support visit keys', 32));
  }

  /**
   * A new client, signed in at once; or, for the address of a contact (a customer known only by
   * e-mail, without a password), null: nobody is signed in and the contact is mailed a link that
   * sets the password, so no one can read a contact's tickets by signing up with its address. The
   * address of an account with a password stays a 409.
   */
  async signup(dto: SignupDto): Promise<SignupResponseDto | null> {
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      const user = await this.users.insert({ email: dto.email, name: dto.name, role: 'client', passwordHash });
      this.logger.log({ userId: user.id }, 'Client signed up');
      return { user: toUserResponse(user), ...(await this.tokens.issue(user)) };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.CONFLICT) throw error;
      const existing = await this.users.findByEmailWithPassword(dto.email);
      if (!existing || existing.passwordHash) throw error;
      await this.passwordLinks.requestClaim(existing);
      return null;
    }
  }

  /**
   * A chat without an account: a token for a name and an e-mail address, bound to a new visitor
   * session and seeing only the tickets opened with it, never the address's other tickets. An
   * unknown address becomes a contact (a customer without a password) under the given name; a
   * contact's address is used as it is. Either way the address is mailed a link that claims the
   * account (sets a password; then a normal login sees every ticket of the address, and the visitor
   * tokens end). The address of an account with a password (or of staff, or deactivated) is a 409:
   * its owner logs in.
   */
  async visitor(dto: VisitorDto): Promise<VisitorResponseDto> {
    let holder = await this.users.findByEmailWithPassword(dto.email);
    if (!holder) {
      await this.usersService.findOrCreateContact(dto.email, dto.name);
      // Read again with the password: whoever created the address meanwhile (a signup) is checked too.
      holder = await this.users.findByEmailWithPassword(dto.email);
    }
    if (!holder || !mayChatAsVisitor({ role: holder.role, isActive: holder.isActive, hasPassword: holder.passwordHash !== null })) {
      throw new AppError(ErrorCode.CONFLICT, 'This address has an account: log in instead', [{ field: 'email' }]);
    }
    let secret = '';
    const sessionId = await this.auth.insertVisitorSession(holder.id, dto.name, (id) => {
      secret = firstVisitSecret(this.visitKeyMac, id);
      return visitKeyHash(secret);
    });
    await this.passwordLinks.requestClaim(holder);
    this.logger.log({ userId: holder.id, visitorSessionId: sessionId }, 'Visitor chat started');
    return { user: { ...toUserResponse(holder), name: dto.name }, ...(await this.tokens.issue(holder, sessionId)), visit_key: visitKey(sessionId, secret) };
  }

  /**
   * The same 401 for an unknown e-mail, a wrong password, a contact without a password and a
   * deactivated account. Each attempt is counted before the password is checked, atomically, so
   * however requests interleave at most `loginMaxFailures` of them per window (per IP and
   * e-mail) get that far; the rest are 429 with Retry-After. A successful login forgets the count.
   */
  async login(dto: LoginDto, ip: string, now: Date): Promise<TokenResponseDto> {
    const key = `${ip}|${dto.email}`;
    await this.countAttempt(key, now, 'Too many failed logins; try again later');
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

  /** The caller; a visitor as it named itself (the address's holder may be named otherwise). */
  async me(user: AuthUser): Promise<UserResponseDto> {
    const me = await this.usersService.get(user.id);
    if (user.visitorSessionId === undefined) return me;
    return { ...me, name: (await this.auth.visitorName(user.visitorSessionId)) ?? me.name };
  }

  /**
   * A fresh token for the same visit, so a chat outlives one token (a visitor has no password to log
   * in again with), from the visit key alone: a visitor back after its token expired carries on. The
   * key is replaced by a new one each time, for VISIT_MAX_DAYS from the visit's start, while the
   * address has no password and the visit has not ended; after that, the mailed link. Earlier tokens
   * work until they expire.
   *
   * Keys are checked for reuse (domain/visit-key-rotation): the key just replaced, sent again within
   * 2 minutes, is a retry whose answer was lost and gets the same new key (and a fresh token);
   * later, or any older key of the visit, means someone holds a copy, and the visit ends at once,
   * as by POST /auth/visitor/end (whoever renewed first, the thief or the visitor, loses it too),
   * with the same 401 as an unknown key.
   */
  async renewVisit(key: string, now: Date): Promise<VisitTokenResponseDto> {
    const presented = parseVisitKey(key);
    if (!presented) throw visitCannotGoOn();
    const { sessionId, secret } = presented;
    const next = nextVisitSecret(this.visitKeyMac, sessionId, secret);
    const renewal = await this.dataSource.transaction(async (manager): Promise<{ decision: RenewalDecision; userId: number; createdAt: Date } | null> => {
      const visit = await this.auth.lockVisitKeys(manager, sessionId);
      if (!visit) return null;
      const decision = decideRenewal(
        visit,
        { hash: visitKeyHash(secret), nextHash: visitKeyHash(next), issuedToVisit: issuedToVisit(this.visitKeyMac, sessionId, secret) },
        now,
      );
      if (decision === 'rotate') await this.auth.rotateVisitKey(manager, sessionId, visitKeyHash(next), now);
      if (decision === 'reuse') await this.auth.endVisitorSession(sessionId, now, manager);
      return { decision, userId: visit.userId, createdAt: visit.createdAt };
    });
    if (!renewal || renewal.decision === 'unknown') throw visitCannotGoOn();
    if (renewal.decision === 'reuse') {
      // Told only once the end is committed, so no instance caches a token of the visit again.
      this.logger.warn({ userId: renewal.userId, visitorSessionId: sessionId }, 'A replaced visit key was used again: visit ended');
      this.events.publish('user.visit_ended', { userId: renewal.userId, visitorSessionId: sessionId });
      throw visitCannotGoOn();
    }
    const holder = await this.users.findByIdWithPassword(renewal.userId);
    if (!holder || !mayChatAsVisitor({ role: holder.role, isActive: holder.isActive, hasPassword: holder.passwordHash !== null })) {
      await this.endVisitorSession(renewal.userId, sessionId, now);
      throw visitCannotGoOn();
    }
    if (!visitGoesOn(renewal.createdAt, now)) {
      await this.endVisitorSession(renewal.userId, sessionId, now);
      throw new AppError(ErrorCode.FORBIDDEN, `A visit lasts at most ${VISIT_MAX_DAYS} days; set a password with the mailed link and log in`);
    }
    return { ...(await this.tokens.issue(holder, sessionId)), visit_key: visitKey(sessionId, next) };
  }

  /**
   * The visitor ends its chat (the widget's "End chat", on a shared computer): every token of the
   * visit and its key stop at once, on every instance. The conversation stays with the account, for
   * whoever claims it by the mailed link.
   */
  async endVisit(user: AuthUser, now: Date): Promise<void> {
    if (user.visitorSessionId === undefined) throw new AppError(ErrorCode.FORBIDDEN, 'Only a chat without an account is ended; others log out');
    // No revocation of this token besides: an ended visit's tokens are refused (findSession), this one too.
    await this.endVisitorSession(user.id, user.visitorSessionId, now);
  }

  /**
   * Ends a visit: every instance forgets its cached tokens, and the visit's connections close (only
   * its own: other visits under the address, and the account's own, stay).
   */
  private async endVisitorSession(userId: number, visitorSessionId: number, now: Date): Promise<void> {
    await this.auth.endVisitorSession(visitorSessionId, now);
    this.events.publish('user.visit_ended', { userId, visitorSessionId });
  }

  /** The caller changes its own name or preferences (never its role, e-mail or state). */
  async updateMe(user: AuthUser, dto: UpdateMeDto): Promise<UserResponseDto> {
    if (user.visitorSessionId !== undefined) throw visitorsMayNot();
    const changes = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.notify_by_email !== undefined && { notifyByEmail: dto.notify_by_email }),
    };
    if (Object.keys(changes).length > 0) await this.users.update(user.id, changes);
    return this.usersService.get(user.id);
  }

  /**
   * The caller changes its own password, proving the current one: a wrong one is a 422 naming
   * `current_password` (not a 401, which would say the token failed), counted like failed logins
   * (per user: at most `loginMaxFailures` per window, then 429). Success ends every other token of
   * the user at once, on every instance; the token the change was made with keeps working.
   */
  async changePassword(user: AuthUser, dto: ChangePasswordDto, now: Date): Promise<void> {
    if (user.visitorSessionId !== undefined) throw visitorsMayNot();
    const key = `password|${user.id}`;
    await this.countAttempt(key, now, 'Too many wrong passwords; try again later');
    const current = await this.users.findByIdWithPassword(user.id);
    const passwordOk = await this.hasher.verify(current?.passwordHash ?? null, dto.current_password);
    if (!current?.passwordHash || !passwordOk) {
      this.logger.warn({ userId: user.id }, 'Wrong current password on a password change');
      throw wrongCurrentPassword();
    }
    await this.auth.clearAttempts(key);
    if (dto.new_password === dto.current_password) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The new password must differ from the current one', [
        { field: 'new_password', problems: ['new_password must differ from current_password'] },
      ]);
    }
    const newHash = await this.hasher.hash(dto.new_password);
    const token = { jti: user.jti, version: user.tokenVersion };
    if (!(await this.users.changeOwnPassword(user.id, current.passwordHash, newHash, token))) {
      // Meanwhile the password changed or this token stopped working: nothing was changed.
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing, invalid or expired token');
    }
    this.logger.log({ userId: user.id }, 'Password changed; other sessions ended');
    this.events.publish('user.sessions_ended', { userId: user.id, keptJti: user.jti });
  }

  /**
   * Counts one attempt for the key before any password is checked, atomically, so however requests
   * interleave at most `loginMaxFailures` of them per window get that far; the rest are 429 with
   * Retry-After. A success forgets the count (`clearAttempts`).
   */
  private async countAttempt(key: string, now: Date, message: string): Promise<void> {
    const { loginMaxFailures, loginWindowSeconds } = this.config;
    const attempt = await this.auth.countAttempt(key, now, loginMaxFailures, loginWindowSeconds);
    if (attempt.attempts > loginMaxFailures) {
      const retryAfter = attempt.retryAfterSeconds;
      throw new AppError(ErrorCode.RATE_LIMITED, message, [{ retry_after_seconds: retryAfter }], { 'Retry-After': String(retryAfter) });
    }
  }
}

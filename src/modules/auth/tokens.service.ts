import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { AppConfig } from '#src/config/app-config.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import { SessionCache } from '#src/modules/auth/session-cache.js';
import type { UserEntity } from '#src/modules/users/user.entity.js';

/** A verified token's claims, as far as they are present: `validate` checks each one. */
export interface TokenClaims {
  sub?: unknown;
  jti?: unknown;
  ver?: unknown;
  exp?: unknown;
  /** A visitor's token (a chat without an account): its visitor session. */
  vis?: unknown;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** Tokens are signed with HS256 and verified with HS256 only (alg none, HS512, RS256… are refused). */
export const JWT_ALGORITHMS: ['HS256'] = ['HS256'];
const JTI = /^[0-9a-f-]{36}$/i;

/** Verified tokens remembered per instance; the oldest go first beyond this. */
const VERIFIED_TOKENS_MAX = 10_000;

const unauthorized = () => new AppError(ErrorCode.UNAUTHORIZED, 'Missing, invalid or expired token');

/**
 * Access tokens: HS256 JWTs with an `exp`, a `jti` (revocable one by one at logout) and the user's
 * token version (bumped to end all of a user's tokens at once). HTTP requests are checked by
 * JwtStrategy (passport-jwt), the Socket.IO handshake by `verify`; both end in `validate`.
 */
@Injectable()
export class TokensService {
  /**
   * The HMAC key, made once and shared with JwtStrategy: given a string, jsonwebtoken rebuilds a
   * key (after a failed public-key parse) on every verify, which was the largest CPU cost of a request.
   */
  readonly secretKey: KeyObject;
  /** jsonwebtoken with that key and algorithm: signs, and verifies for the handshake. */
  private readonly jwt: JwtService;
  /**
   * Tokens whose signature this instance has verified, with their claims, until they expire: a
   * client sends the same token with every request, and checking its HMAC and parsing it again
   * each time was a large share of a request's CPU. Only the signature is remembered; `validate`
   * (revocation, deactivation, role and version) runs on every request.
   */
  private readonly verified = new Map<string, TokenClaims & { exp: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthRepository,
    private readonly sessions: SessionCache,
  ) {
    this.secretKey = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    this.jwt = new JwtService({
      secret: this.secretKey,
      signOptions: { algorithm: JWT_ALGORITHMS[0], expiresIn: config.jwtExpiresInSeconds },
      verifyOptions: { algorithms: JWT_ALGORITHMS },
    });
  }

  /** A token of the user; with `visitorSessionId`, a visitor's token that sees only that session's tickets. */
  async issue(user: Pick<UserEntity, 'id' | 'tokenVersion'>, visitorSessionId?: number): Promise<IssuedToken> {
    const claims = { sub: user.id, ver: user.tokenVersion, ...(visitorSessionId !== undefined && { vis: visitorSessionId }) };
    const token = await this.jwt.signAsync(claims, { jwtid: randomUUID() });
    return { access_token: token, token_type: 'bearer', expires_in: this.config.jwtExpiresInSeconds };
  }

  /** The caller behind a raw token (the Socket.IO handshake): the same checks JwtStrategy makes. */
  async verify(token: string): Promise<AuthUser> {
    let claims = this.verifiedClaims(token);
    if (!claims) {
      try {
        claims = await this.jwt.verifyAsync<TokenClaims & object>(token);
      } catch {
        throw unauthorized();
      }
      this.rememberVerified(token, claims);
    }
    return this.validate(claims);
  }

  /** The claims of a token whose signature was verified before, while it has not expired; else null. */
  verifiedClaims(token: string): TokenClaims | null {
    const claims = this.verified.get(token);
    if (!claims) return null;
    // jsonwebtoken's own rule: expired once the current second reaches `exp`.
    if (Math.floor(Date.now() / 1000) < claims.exp) return claims;
    this.verified.delete(token);
    return null;
  }

  /** Remembers a token that jsonwebtoken has just verified (signature, algorithm, expiry). */
  rememberVerified(token: string, claims: TokenClaims): void {
    if (!Number.isInteger(claims.exp)) return; // refused by validate anyway
    if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims as TokenClaims & { exp: number });
  }

  /**
   * The caller behind the claims of a token whose signature and expiry were verified: UNAUTHORIZED
   * for a token without `exp`, `jti`, `sub` or `ver`, and for a revoked or outdated one (the user
   * deactivated, their role or password changed; the token a user changed its own password with
   * is kept). A failure to read the database is not a refusal:
   * it is thrown as it is.
   */
  async validate(claims: TokenClaims): Promise<AuthUser> {
    const { sub, jti, ver, exp, vis } = claims;
    if (!Number.isInteger(sub) || !Number.isInteger(ver) || !Number.isInteger(exp) || typeof jti !== 'string' || !JTI.test(jti)) {
      throw unauthorized();
    }
    if (vis !== undefined && !Number.isInteger(vis)) throw unauthorized();
    const visitor = vis === undefined ? null : (vis as number);
    const userId = sub as number;
    let session = this.sessions.get(jti);
    if (!session || session.id !== userId) {
      const generation = this.sessions.begin();
      session = await this.auth.findSession(userId, jti, visitor);
      if (session) this.sessions.set(jti, session, generation);
    }
    if (!session || !session.isActive || session.revoked || (session.tokenVersion !== ver && !session.kept)) throw unauthorized();
    // A visitor's token holds while its session is the user's and the user a customer.
    if (visitor !== null && (session.visitorSessionId !== visitor || session.role !== 'client')) throw unauthorized();
    return {
      id: session.id,
      role: session.role,
      email: session.email,
      name: session.name,
      jti,
      expiresAt: new Date((exp as number) * 1000),
      tokenVersion: ver as number,
      ...(visitor !== null && { visitorSessionId: visitor }),
    };
  }

  async revoke(user: AuthUser, now: Date): Promise<void> {
    await this.auth.revoke(user.jti, user.id, user.expiresAt, now);
    this.sessions.invalidateToken(user.jti);
  }
}

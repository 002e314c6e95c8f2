import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { AppConfig } from '#src/config/app-config.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import { SessionCache } from '#src/modules/auth/session-cache.js';
import type { UserEntity } from '#src/modules/users/user.entity.js';

interface TokenPayload {
  sub: number;
  jti: string;
  ver: number;
  exp: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

const unauthorized = () => new AppError(ErrorCode.UNAUTHORIZED, 'Missing, invalid or expired token');

/**
 * Access tokens: HS256 JWTs with a `jti` (revocable one by one at logout) and the user's token
 * version (bumped to end all of a user's tokens at once). Verification also runs for Socket.IO.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly auth: AuthRepository,
    private readonly sessions: SessionCache,
  ) {}

  async issue(user: Pick<UserEntity, 'id' | 'tokenVersion'>): Promise<IssuedToken> {
    const token = await this.jwt.signAsync(
      { sub: user.id, ver: user.tokenVersion },
      { jwtid: randomUUID() },
    );
    return { access_token: token, token_type: 'bearer', expires_in: this.config.jwtExpiresInSeconds };
  }

  /** The caller behind a token; UNAUTHORIZED for a bad, expired, revoked or outdated token. */
  async verify(token: string): Promise<AuthUser> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      throw unauthorized();
    }
    if (!Number.isInteger(payload.sub) || typeof payload.jti !== 'string' || !Number.isInteger(payload.ver)) {
      throw unauthorized();
    }
    if (!/^[0-9a-f-]{36}$/i.test(payload.jti)) throw unauthorized();
    let session = this.sessions.get(payload.jti);
    if (!session || session.id !== payload.sub) {
      const generation = this.sessions.begin();
      session = await this.auth.findSession(payload.sub, payload.jti);
      if (session) this.sessions.set(payload.jti, session, generation);
    }
    if (!session || !session.isActive || session.revoked || session.tokenVersion !== payload.ver) throw unauthorized();
    return {
      id: session.id,
      role: session.role,
      email: session.email,
      name: session.name,
      jti: payload.jti,
      expiresAt: new Date(payload.exp * 1000),
    };
  }

  async revoke(user: AuthUser, now: Date): Promise<void> {
    await this.auth.revoke(user.jti, user.id, user.expiresAt, now);
    this.sessions.invalidateToken(user.jti);
  }
}

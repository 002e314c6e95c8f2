import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { bearerToken } from '#src/common/auth/bearer-token.js';
import { JWT_ALGORITHMS, type TokenClaims, TokensService } from '#src/modules/auth/tokens.service.js';

/** What passport-jwt fails with when `jwtFromRequest` finds no token. */
export const NO_TOKEN_MESSAGE = 'No auth token';

/** The bearer token of a request, if any. */
const tokenOf = (req: Request) => bearerToken(req.headers.authorization);

/** The options JwtAuthGuard passes to passport, which hands them on to `authenticate`. */
export interface JwtAuthenticateOptions {
  strategy?: JwtStrategy;
}

/**
 * passport-jwt checks the signature (HS256 only, the TokensService key) and the expiry; `validate`
 * then requires the claims (`exp` included) and loads the session through TokensService, the same
 * function the Socket.IO handshake ends in.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly tokens: TokensService) {
    super({
      jwtFromRequest: tokenOf,
      // jsonwebtoken takes a KeyObject (see TokensService.secretKey); passport-jwt's typings predate it.
      secretOrKey: tokens.secretKey as unknown as Buffer,
      algorithms: JWT_ALGORITHMS,
      passReqToCallback: true,
    });
  }

  /** Called by passport-jwt once it has verified the token: remembered, then the session checked. */
  validate(req: Request, claims: TokenClaims): Promise<AuthUser> {
    const token = tokenOf(req);
    if (token) this.tokens.rememberVerified(token, claims);
    return this.tokens.validate(claims);
  }

  /**
   * passport keeps one registry per process, where 'jwt' is the strategy of the app that started
   * last. With several apps in one process (the tests run instances side by side), a request would
   * be checked against another app's database and session cache; JwtAuthGuard names its own app's
   * strategy in the options, and the request is checked there. `this` is passport's per-request
   * copy of the registered strategy, carrying the callbacks that answer the request.
   */
  override authenticate(req: Request, options?: JwtAuthenticateOptions): void {
    const own = options?.strategy;
    if (!own || Object.getPrototypeOf(this) === own) {
      // A token this instance verified before skips passport-jwt's verification, not the session check.
      const token = tokenOf(req);
      const claims = token ? this.tokens.verifiedClaims(token) : null;
      if (!claims) return super.authenticate(req, options);
      this.tokens.validate(claims).then(
        (user) => this.success(user),
        (error: unknown) => this.error(error as Error),
      );
      return;
    }
    const attempt = Object.create(own) as JwtStrategy;
    attempt.success = this.success;
    attempt.fail = this.fail;
    attempt.error = this.error;
    attempt.authenticate(req, options);
  }
}

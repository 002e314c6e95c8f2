import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { PUBLIC_KEY, type RequestWithUser, ROLES_KEY } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import type { UserRole } from '#src/common/auth/roles.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { type JwtAuthenticateOptions, JwtStrategy, NO_TOKEN_MESSAGE } from '#src/modules/auth/jwt.strategy.js';

/**
 * Global guard: every HTTP route needs a valid bearer token unless @Public() (or @OptionalAuth()
 * without an Authorization header); @Roles() narrows it.
 * passport's JwtStrategy checks the token. Every refusal is AppError(UNAUTHORIZED), so it leaves in
 * the contract's error shape; a failure to check (the database did not answer) is thrown as it is.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    strategy: JwtStrategy,
  ) {
    // No passport session (@nestjs/passport's default too); the strategy: see JwtStrategy.authenticate.
    const options: JwtAuthenticateOptions & { session: false } = { session: false, strategy };
    super(options);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const open = this.reflector.getAllAndOverride<boolean | 'optional' | undefined>(PUBLIC_KEY, targets);
    if (open === true) return true;
    if (open === 'optional' && context.switchToHttp().getRequest<RequestWithUser>().headers.authorization === undefined) return true;
    await (super.canActivate(context) as Promise<boolean>);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    const { user } = context.switchToHttp().getRequest<RequestWithUser>();
    if (roles && !(user && roles.includes(user.role))) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Your role may not do this');
    }
    return true;
  }

  /** passport's verdict: the user, or the refusal in the contract's shape (never passport's own 401). */
  override handleRequest<TUser = AuthUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error;
    if (!user) {
      const missing = info instanceof Error && info.message === NO_TOKEN_MESSAGE;
      throw new AppError(ErrorCode.UNAUTHORIZED, missing ? 'Missing bearer token' : 'Missing, invalid or expired token');
    }
    return user;
  }
}

import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { RequestWithUser } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { bearerToken } from '#src/common/auth/bearer-token.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';

/**
 * For @Public() routes that answer agents more (drafts, counts): without an Authorization header
 * the caller is anonymous; with one, the token must be valid (401 otherwise, as on any route),
 * and `req.user` is its user.
 */
@Injectable()
export class OptionalUserGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const header = req.headers.authorization;
    if (header === undefined) return true;
    const token = bearerToken(header);
    if (!token) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing, invalid or expired token');
    req.user = await this.tokens.verify(token);
    return true;
  }
}

/** The caller of an OptionalUserGuard route, or null for an anonymous one. */
export const Viewer = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | null => ctx.switchToHttp().getRequest<RequestWithUser>().user ?? null);

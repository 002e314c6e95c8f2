import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, type RequestWithUser, ROLES_KEY } from '#src/common/auth/auth.decorators.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import type { UserRole } from '#src/modules/users/user.entity.js';

/** Global guard: every HTTP route needs a valid bearer token unless @Public(); @Roles() narrows it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const header = req.headers.authorization;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
    if (isPublic) return true;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing bearer token');
    req.user = await this.tokens.verify(match[1]);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.user.role)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Your role may not do this');
    }
    return true;
  }
}

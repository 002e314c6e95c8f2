import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import type { UserRole } from '#src/common/auth/roles.js';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The route needs no token, but answers a signed-in caller more (drafts, counts): a request with
 * an Authorization header must carry a valid token (401 otherwise), and @OptionalUser() is its user.
 */
export const OptionalAuth = () => SetMetadata(PUBLIC_KEY, 'optional');

/** Only these roles may call the route (admin is not implied: list it). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

export type RequestWithUser = Request & { user?: AuthUser };

/** The caller of an @OptionalAuth() route, or null for an anonymous one. */
export const OptionalUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | null => ctx.switchToHttp().getRequest<RequestWithUser>().user ?? null);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without authentication');
  return user;
});

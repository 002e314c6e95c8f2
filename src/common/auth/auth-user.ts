import type { UserRole } from '#src/common/auth/roles.js';

/** Who is calling, as established from a verified, unrevoked token. */
export interface AuthUser {
  id: number;
  role: UserRole;
  email: string;
  name: string;
  /** The token's id and expiry, so logout can revoke exactly this token. */
  jti: string;
  expiresAt: Date;
}

export function isAgent(user: Pick<AuthUser, 'role'>): boolean {
  return user.role === 'agent' || user.role === 'admin';
}

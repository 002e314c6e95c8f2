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
  /** The token's version claim (`ver`), so a password change can tell that this token is still current. */
  tokenVersion: number;
  /**
   * Set only for a visitor's token (a chat without an account, POST /auth/visitor): the visitor
   * session, whose tickets are the only ones the token sees.
   */
  visitorSessionId?: number;
}

export function isAgent(user: Pick<AuthUser, 'role'>): boolean {
  return user.role === 'agent' || user.role === 'admin';
}

/**
 * What a per-user limit counts against: the user, or for a visitor's token its visitor session
 * (anyone who knows an address may start a visit with it, and must not use up the account's limits).
 */
export function limitHolder(user: Pick<AuthUser, 'id' | 'visitorSessionId'>): string {
  return user.visitorSessionId === undefined ? String(user.id) : `visitor:${user.visitorSessionId}`;
}

import type { UserRole } from '#src/common/auth/roles.js';

/** What the rule reads of the user that holds the address already. */
export interface AddressHolder {
  role: UserRole;
  isActive: boolean;
  hasPassword: boolean;
}

/**
 * Whether a visitor (a chat without an account: a name and an e-mail address) may chat under an
 * address that a user holds already: only a contact's (an active customer without a password, known
 * from e-mail or an earlier visit), whose token is then scoped to the visit's own tickets. An
 * account with a password is its owner's to sign in to: nobody chats in its name unproven (agents
 * would take the visitor for the owner); nor under a staff or deactivated account.
 */
export function mayChatAsVisitor(holder: AddressHolder): boolean {
  return holder.role === 'client' && holder.isActive && !holder.hasPassword;
}

/** How long a visit may be kept going by renewing its token: after that, the mailed link (a password) it is. */
export const VISIT_MAX_DAYS = 30;

/** Whether a visit that began at `startedAt` may still renew its token at `now`. */
export function visitGoesOn(startedAt: Date, now: Date): boolean {
  return now.getTime() - startedAt.getTime() < VISIT_MAX_DAYS * 86_400_000;
}

/**
 * A visit key: what renews a visit's token without a valid one (the widget keeps it beside the
 * token), `<visitor session id>.<43 base64url characters of a secret>` (made in visit-key-rotation).
 * Only its SHA-256 is stored; each renewal replaces it.
 */
export function visitKey(visitorSessionId: number, secret: string): string {
  return `${visitorSessionId}.${secret}`;
}

const VISIT_KEY = /^([1-9]\d{0,9})\.([A-Za-z0-9_-]{43})$/;

/** A well-formed visit key's session id and secret (the stored hash decides whether it is the current one), or null. */
export function parseVisitKey(key: string): { sessionId: number; secret: string } | null {
  const match = VISIT_KEY.exec(key);
  if (!match) return null;
  const sessionId = Number(match[1]);
  return sessionId <= 2_147_483_647 ? { sessionId, secret: match[2] } : null;
}

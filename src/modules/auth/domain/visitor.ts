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

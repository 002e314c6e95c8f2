/** The roles a user has: `client` (a customer), `agent`, `admin` (who can do all an agent can). */
export const USER_ROLES = ['client', 'agent', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The auth module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    /** One token was revoked by logout. */
    'user.token_revoked': { userId: number; jti: string };
  }
}

// A module (not a global script), so the block above augments DomainEvents instead of declaring it.
export {};

/** The auth module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    /** One token was revoked by logout. */
    'user.token_revoked': { userId: number; jti: string };
    /** A chat without an account ended: its tokens are refused from now on, its connections close. */
    'user.visit_ended': { userId: number; visitorSessionId: number };
  }
}

// A module (not a global script), so the block above augments DomainEvents instead of declaring it.
export {};

/** The users module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    /**
     * Every token of the user stopped working (deactivation, role change, new password), except
     * `keptJti` when set (the token the user changed its own password with).
     */
    'user.sessions_ended': { userId: number; keptJti?: string };
    /** An active agent appeared (created, re-activated, made an agent, or connected to the chat): waiting tickets may go to them. */
    'agent.available': { userId: number };
  }
}

// A module (not a global script), so the block above augments DomainEvents instead of declaring it.
export {};

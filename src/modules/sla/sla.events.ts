import type { SlaKind } from '#src/modules/sla/domain/sla-clock.js';

/** What an SLA warning or breach says, on the wire (`sla:warning`, `sla:breached`) and to listeners. */
export interface SlaEventPayload {
  ticket_id: number;
  kind: SlaKind;
  deadline: string;
  minutes_left: number;
  /** The ticket's agent, who also hears of it in their own room. */
  agentId: number | null;
  /** Escalation actions the breach triggered (raise_priority, move_queue, unassign). */
  escalation: string[];
  /** Users to notify besides the agents (the admins, when the policy says so). */
  notifyUserIds: number[];
}

/** The SLA module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'sla.warning': SlaEventPayload;
    'sla.breached': SlaEventPayload;
  }
}

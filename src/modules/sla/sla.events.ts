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

/** A warning or breach just recorded, as in-transaction listeners get it (webhooks). */
export interface SlaAlert {
  ticket_id: number;
  kind: SlaKind;
  type: 'warning' | 'breached';
  deadline: string;
  minutes_left: number;
}

/** The SLA module's in-transaction events (see InTransactionEvents). */
declare module '#src/common/events/in-transaction-hooks.js' {
  interface InTransactionEvents {
    /** Warnings and breaches the minute job recorded (each once), in the transaction that records them. */
    'sla.recorded': { probe: never; payload: { alerts: SlaAlert[] } };
    /** A breach escalation changed a ticket (priority, queue, agent), in its transaction; `before`: those fields as they were. */
    'sla.escalated': { probe: never; payload: { ticketId: number; before: { priority: string; queueId: number | null; agentId: number | null } } };
  }
}

/** The SLA module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'sla.warning': SlaEventPayload;
    'sla.breached': SlaEventPayload;
  }
}

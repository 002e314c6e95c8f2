import { nextPriority } from '#src/modules/sla/domain/sla-timeline.js';

/** What a policy says a breach does besides being recorded. */
export interface EscalationPolicy {
  breachNotifyAdmins: boolean;
  breachRaisePriority: boolean;
  breachQueueId: number | null;
  breachUnassign: boolean;
}

/** The breach's escalation for one ticket: only the actions that change something. */
export interface EscalationPlan {
  notifyAdmins: boolean;
  /** The priority one step up, or null (not asked, or already urgent). */
  raiseTo: string | null;
  /** The queue to move to, or null (not asked, or already there). */
  moveTo: number | null;
  /** Unassign (asked, and someone is assigned). */
  unassign: boolean;
}

export function planEscalation(policy: EscalationPolicy, ticket: { priority: string; queueId: number | null; agentId: number | null }): EscalationPlan {
  return {
    notifyAdmins: policy.breachNotifyAdmins,
    raiseTo: policy.breachRaisePriority ? nextPriority(ticket.priority) : null,
    moveTo: policy.breachQueueId !== null && policy.breachQueueId !== ticket.queueId ? policy.breachQueueId : null,
    unassign: policy.breachUnassign && ticket.agentId !== null,
  };
}

/** Whether the plan does anything at all (else the breach is recorded with the plain batch). */
export function escalates(plan: EscalationPlan): boolean {
  return plan.notifyAdmins || plan.raiseTo !== null || plan.moveTo !== null || plan.unassign;
}

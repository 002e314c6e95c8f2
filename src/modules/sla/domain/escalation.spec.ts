import { escalates, type EscalationPolicy, planEscalation } from '#src/modules/sla/domain/escalation.js';

const none: EscalationPolicy = { breachNotifyAdmins: false, breachRaisePriority: false, breachQueueId: null, breachUnassign: false };
const ticket = { priority: 'medium', queueId: 3, agentId: 7 };

describe('planEscalation', () => {
  it.each([
    ['nothing asked', none, ticket, { notifyAdmins: false, raiseTo: null, moveTo: null, unassign: false }, false],
    ['every action', { breachNotifyAdmins: true, breachRaisePriority: true, breachQueueId: 5, breachUnassign: true }, ticket, { notifyAdmins: true, raiseTo: 'high', moveTo: 5, unassign: true }, true],
    ['raising an urgent ticket does nothing', { ...none, breachRaisePriority: true }, { ...ticket, priority: 'urgent' }, { notifyAdmins: false, raiseTo: null, moveTo: null, unassign: false }, false],
    ['moving to the queue it is in does nothing', { ...none, breachQueueId: 3 }, ticket, { notifyAdmins: false, raiseTo: null, moveTo: null, unassign: false }, false],
    ['unassigning an unassigned ticket does nothing', { ...none, breachUnassign: true }, { ...ticket, agentId: null }, { notifyAdmins: false, raiseTo: null, moveTo: null, unassign: false }, false],
    ['telling the admins alone escalates', { ...none, breachNotifyAdmins: true }, ticket, { notifyAdmins: true, raiseTo: null, moveTo: null, unassign: false }, true],
  ])('%s', (_case, policy, target, plan, any) => {
    expect(planEscalation(policy, target)).toEqual(plan);
    expect(escalates(planEscalation(policy, target))).toBe(any);
  });
});

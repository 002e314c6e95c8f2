import { sameValues } from '#src/modules/custom-fields/domain/custom-field-values.js';

/**
 * Which of a ticket's fields a change moved, named as on the wire (`queue_id`, `frt_deadline`), in
 * a fixed order. Pure: the caller passes the ticket as it stood and as it stands.
 */

export interface TicketFields {
  title: string;
  description: string;
  status: string;
  priority: string;
  category: string | null;
  queueId: number | null;
  agentId: number | null;
  frtDeadline: Date;
  ttrDeadline: Date;
  firstResponseAt: Date | null;
  suggestedCategory: string | null;
  suggestedQueueId: number | null;
  customFields: Record<string, unknown>;
  botState: string | null;
}

const FIELDS: ReadonlyArray<[keyof TicketFields, string]> = [
  ['title', 'title'],
  ['description', 'description'],
  ['status', 'status'],
  ['priority', 'priority'],
  ['category', 'category'],
  ['queueId', 'queue_id'],
  ['agentId', 'agent_id'],
  ['firstResponseAt', 'first_response_at'],
  ['frtDeadline', 'frt_deadline'],
  ['ttrDeadline', 'ttr_deadline'],
  ['suggestedCategory', 'suggested_category'],
  ['suggestedQueueId', 'suggested_queue_id'],
  ['customFields', 'custom_fields'],
  ['botState', 'bot_active'],
];

const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  // Custom fields (the only object here): the same values, in any key order.
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return sameValues(a as Record<string, unknown>, b as Record<string, unknown>);
  return a === b;
};

export function changedFields(before: TicketFields, after: TicketFields): string[] {
  return FIELDS.filter(([key]) => !same(before[key], after[key])).map(([, name]) => name);
}

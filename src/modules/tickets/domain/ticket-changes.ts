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
];

const same = (a: unknown, b: unknown): boolean => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export function changedFields(before: TicketFields, after: TicketFields): string[] {
  return FIELDS.filter(([key]) => !same(before[key], after[key])).map(([, name]) => name);
}

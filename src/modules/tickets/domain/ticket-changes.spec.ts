import { changedFields, type TicketFields } from '#src/modules/tickets/domain/ticket-changes.js';

const base: TicketFields = {
  title: 'Printer',
  description: 'On fire',
  status: 'open',
  priority: 'medium',
  category: null,
  queueId: 1,
  agentId: null,
  frtDeadline: new Date('2026-12-01T10:00:00Z'),
  ttrDeadline: new Date('2026-12-02T10:00:00Z'),
  firstResponseAt: null,
  suggestedCategory: null,
  suggestedQueueId: null,
  customFields: { order_no: 'A-1' },
  botState: null,
};

describe('changedFields', () => {
  it.each<[string, Partial<TicketFields>, string[]]>([
    ['nothing', {}, []],
    ['the same deadline as another Date', { frtDeadline: new Date('2026-12-01T10:00:00Z') }, []],
    ['the title', { title: 'Scanner' }, ['title']],
    ['status and agent', { status: 'in_progress', agentId: 7 }, ['status', 'agent_id']],
    ['an unassignment', { agentId: null }, []],
    ['the queue and a deadline', { queueId: 2, ttrDeadline: new Date('2026-12-03T10:00:00Z') }, ['queue_id', 'ttr_deadline']],
    ['a category set', { category: 'billing' }, ['category']],
    ['the first response', { firstResponseAt: new Date('2026-12-01T09:00:00Z') }, ['first_response_at']],
    ['the same custom fields as another object', { customFields: { order_no: 'A-1' } }, []],
    ['a custom field', { customFields: { order_no: 'A-2' } }, ['custom_fields']],
    ['the bot handing over', { botState: 'handed_off' }, ['bot_active']],
    ["a language model's suggestion", { suggestedCategory: 'payment', suggestedQueueId: 2 }, ['suggested_category', 'suggested_queue_id']],
  ])('%s', (_, change, names) => {
    expect(changedFields(base, { ...base, ...change })).toEqual(names);
  });

  it('sees an agent taken off', () => {
    expect(changedFields({ ...base, agentId: 3 }, base)).toEqual(['agent_id']);
  });
});

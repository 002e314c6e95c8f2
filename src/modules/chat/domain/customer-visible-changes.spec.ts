import { customerViewMoved } from '#src/modules/chat/domain/customer-visible-changes.js';

describe('customerViewMoved', () => {
  it.each([
    ['the status', ['status'], 'yes'],
    ['the model\'s suggestions only', ['suggested_category', 'suggested_queue_id'], 'no'],
    ['a suggestion that also moved the queue', ['queue_id', 'suggested_category', 'suggested_queue_id'], 'yes'],
    ['custom fields only', ['custom_fields'], 'if its custom fields did'],
    ['custom fields and a suggestion', ['custom_fields', 'suggested_category'], 'if its custom fields did'],
    ['custom fields and the priority', ['priority', 'custom_fields'], 'yes'],
    ['nothing named', [], 'yes'],
  ])('%s', (_, changes, expected) => {
    expect(customerViewMoved(changes)).toBe(expected);
  });
});

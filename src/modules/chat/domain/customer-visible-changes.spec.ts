import { customerViewMoved, sameValues } from '#src/modules/chat/domain/customer-visible-changes.js';

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

describe('sameValues', () => {
  it.each([
    ['the same values in another order', { a: 1, b: 'x' }, { b: 'x', a: 1 }, true],
    ['both empty', {}, {}, true],
    ['a value changed', { a: 1 }, { a: 2 }, false],
    ['a value added', { a: 1 }, { a: 1, b: true }, false],
    ['a key swapped for another', { a: 1 }, { b: 1 }, false],
    ['a number against its text', { a: 1 }, { a: '1' }, false],
  ])('%s', (_, a, b, expected) => {
    expect(sameValues(a, b)).toBe(expected);
  });
});

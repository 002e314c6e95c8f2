import { parseSuggestion } from '#src/modules/assist/domain/suggestion.js';

const choices = {
  queues: [
    { id: 1, name: 'Technical support' },
    { id: 2, name: 'Billing' },
    { id: 7, name: 'Логистика' },
  ],
  categories: ['Login', 'refund'],
};

describe('parseSuggestion', () => {
  it.each([
    ['a bare object', '{"category": "payment", "queue_id": 2}', { category: 'payment', queueId: 2 }],
    ['prose and a code fence around it', 'Sure!\n```json\n{"category":"delivery","queue_id":7}\n```', { category: 'delivery', queueId: 7 }],
    ['an id as a string', '{"category": "payment", "queue_id": "2"}', { category: 'payment', queueId: 2 }],
    ['a queue named instead of numbered, any case', '{"category": "payment", "queue": "billing"}', { category: 'payment', queueId: 2 }],
    ['a Cyrillic queue name', '{"category": "доставка", "queue": "логистика"}', { category: 'доставка', queueId: 7 }],
    ['a queue that does not exist', '{"category": "payment", "queue_id": 99}', { category: 'payment', queueId: null }],
    ['a queue name that does not exist', '{"category": "payment", "queue": "Sales"}', { category: 'payment', queueId: null }],
    ['nulls', '{"category": null, "queue_id": null}', { category: null, queueId: null }],
    ['the word null, empty text', '{"category": "null", "queue_id": ""}', { category: null, queueId: null }],
    ['a category in use, other case: its spelling', '{"category": "LOGIN", "queue_id": 1}', { category: 'Login', queueId: 1 }],
    ['a new category, tidied', '{"category": "  Password   Reset ", "queue_id": 1}', { category: 'password reset', queueId: 1 }],
    ['not JSON', 'I think this is about billing.', { category: null, queueId: null }],
    ['broken JSON', '{"category": "payment", "queue_id": }', { category: null, queueId: null }],
    ['an object inside other JSON: the object', '[{"category": "payment"}]', { category: 'payment', queueId: null }],
    ['wrong types', '{"category": 5, "queue_id": true}', { category: null, queueId: null }],
    ['a fractional id', '{"category": "x", "queue_id": 1.5}', { category: 'x', queueId: null }],
  ])('%s', (_name, answer, expected) => {
    expect(parseSuggestion(answer, choices)).toEqual(expected);
  });

  it('cuts a long category to 100 characters', () => {
    const { category } = parseSuggestion(JSON.stringify({ category: 'ы'.repeat(150), queue_id: 1 }), choices);
    expect(category).toBe('ы'.repeat(100));
  });
});

import { SYSTEM_QUEUE_KEYS, systemQueueTexts } from '#src/modules/queues/domain/system-queues.js';

describe('systemQueueTexts', () => {
  it.each([
    ['en', ['Technical support', 'Billing', 'Logistics', 'General questions', 'Email']],
    ['ru', ['Техническая поддержка', 'Биллинг', 'Логистика', 'Общие вопросы', 'Письма из почты']],
  ] as const)('names the seeded queues in %s', (locale, names) => {
    expect(systemQueueTexts(locale).map((queue) => [queue.key, queue.name])).toEqual(SYSTEM_QUEUE_KEYS.map((key, i) => [key, names[i]]));
  });

  it('keeps the English names and descriptions the Foundation migration seeded', () => {
    expect(systemQueueTexts('en').find((queue) => queue.key === 'email')).toMatchObject({ name: 'Email', description: 'Tickets opened by e-mail' });
  });

  it('counts the catalogue text of every locale as a default', () => {
    expect(systemQueueTexts('ru').find((queue) => queue.key === 'billing')).toMatchObject({
      defaultNames: ['Billing', 'Биллинг'],
      defaultDescriptions: ['Invoices, payments and refunds', 'Счета, оплата и возвраты денег'],
    });
  });

  it('gives every system queue a name of its own in each locale', () => {
    for (const locale of ['en', 'ru'] as const) {
      const names = systemQueueTexts(locale).map((queue) => queue.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

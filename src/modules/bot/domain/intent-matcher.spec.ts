import { readFileSync } from 'node:fs';
import { coverage, matchIntent, type MatchableIntent } from '#src/modules/bot/domain/intent-matcher.js';
import { extractNumber, normalise, yesOrNo } from '#src/modules/bot/domain/text.js';

/** The seeded intents, as a new database gets them. */
const seed = JSON.parse(readFileSync(new URL('../intents.seed.json', import.meta.url), 'utf8')) as { intents: (MatchableIntent & { key: string })[] };
const intents = seed.intents.map((intent, i) => ({ ...intent, id: i + 1 }));
const keyOf = (text: string) => {
  const match = matchIntent(text, intents);
  return match ? intents.find((intent) => intent.id === match.intentId)!.key : null;
};

describe('matchIntent over the seeded intents', () => {
  it.each([
    // English, as written, in sentences, with typos
    ['order status', 'order_status'],
    ['Order status?', 'order_status'],
    ['ordr status', 'order_status'],
    ['order staus', 'order_status'],
    ['Hi, could you check the status of my order please?', 'order_status'],
    ["Where's my order??", 'order_status'],
    ['I forgot my password', 'password_reset'],
    ['how do I reset my pasword', 'password_reset'],
    ['I would like a refund for my shoes', 'refund'],
    ['What is the delivery time to Berlin?', 'delivery_time'],
    ['what are your opening hours', 'opening_hours'],
    ['I want to talk to a human', 'human'],
    ['agent please', 'human'],
    ['can I get an operator', 'human'],
    ['Thank you!', 'thanks'],
    ['ok bye', 'thanks'],
    // Russian, with ё, case, punctuation, word forms and typos
    ['статус заказа', 'order_status'],
    ['Статус заказа!', 'order_status'],
    ['статус закза', 'order_status'],
    ['Подскажите, какой статус у моего заказа?', 'order_status'],
    ['Где мой заказ?', 'order_status'],
    ['Хочу поговорить с человеком', 'human'],
    ['позовите оператора', 'human'],
    ['Соедините с живым человеком, пожалуйста', 'human'],
    ['Я забыл пароль', 'password_reset'],
    ['хочу оформить возврат денег', 'refund'],
    ['Какие сроки доставки в Казань?', 'delivery_time'],
    ['Часы работы?', 'opening_hours'],
    ['Спасибо, всё понятно', 'thanks'],
    ['спасибо ёлки', 'thanks'],
    // Nothing to match
    ['hello', null],
    ['', null],
    ['!!!', null],
    ['12345', null],
    ['My printer is on fire', null],
    ['Привет', null],
    ['какая сегодня погода', null],
    // A word the phrases share is not the intent
    ['хочу отменить заказ', null],
    ['не помогло', null],
    ['I was charged twice for all items', null],
    ['Здравствуйте, у меня вопрос по заказу', null],
  ])('%j -> %s', (text, key) => {
    expect(keyOf(text)).toBe(key);
  });

  it('prefers the more specific phrase when two intents match', () => {
    expect(keyOf('I want to talk to a human about my refund')).toBe('human');
  });

  it('takes a threshold: a stricter one refuses a typo', () => {
    expect(matchIntent('ordr status', intents, 0.95)).toBeNull();
    expect(matchIntent('order status', intents, 0.95)).not.toBeNull();
  });
});

describe('text helpers', () => {
  it.each([
    ['Ёлка, Привет!!', 'елка привет'],
    ["Where's  my   order?", 'wheres my order'],
    ['#12345.', '12345'],
  ])('normalise(%j) = %j', (text, expected) => expect(normalise(text)).toBe(expected));

  it.each([
    ['12345', '12345'],
    ['#12345', '12345'],
    ['it is # 98765, thanks', '98765'],
    ['My order number is 55512 I think', '55512'],
    ['Номер заказа №123456', '123456'],
    ['заказ #4242 от вчера', '4242'],
    ['no number here', null],
    ['12', null],
    ['order abc123', null],
  ])('extractNumber(%j) = %j', (text, expected) => expect(extractNumber(text)).toBe(expected));

  it.each([
    ['no', 'no'],
    ['No, it did not', 'no'],
    ['нет', 'no'],
    ['Не помогло', 'no'],
    ['yes', 'yes'],
    ['Yes, thanks!', 'yes'],
    ['да, спасибо', 'yes'],
    ['maybe', null],
    ['I still cannot find the button on the settings page', null],
  ])('yesOrNo(%j) = %j', (text, expected) => expect(yesOrNo(text)).toBe(expected));

  it.each([
    ['How do I reset my password?', 'To reset your password open the sign-in page and choose Forgot password.', true],
    ['reset pasword', 'How to reset your password', true],
    ['My printer is on fire and the delivery is late', 'How to reset your password', false],
  ])('coverage(%j, article) is confident: %s', (message, article, confident) => {
    expect(coverage(message, article) >= 0.6).toBe(confident);
  });
});

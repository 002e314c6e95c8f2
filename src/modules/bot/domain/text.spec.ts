import { detectLanguage, editDistance, extractSlot, stem, wordSimilarity } from '#src/modules/bot/domain/text.js';

describe('bot text helpers', () => {
  it.each([
    ['order status', 'en'],
    ['статус заказа', 'ru'],
    ['заказ 12345 order', 'ru'],
    ['my заказ is late please', 'en'],
    ['12345 !!!', null],
    ['', null],
  ])('detectLanguage(%j) = %s', (text, language) => expect(detectLanguage(text)).toBe(language));

  it.each([
    ['orders', 'order'],
    ['tracking', 'track'],
    ['заказа', 'заказ'],
    ['заказом', 'заказ'],
    ['человеком', 'человек'],
    ['bus', 'bus'],
  ])('stem(%j) = %j', (word, expected) => expect(stem(word)).toBe(expected));

  it.each([
    ['order', 'order', 0],
    ['ordr', 'order', 1],
    ['закза', 'заказ', 1],
    ['staus', 'status', 1],
    ['order', 'odrer', 1],
    ['abcdef', 'ghijkl', 3],
  ])('editDistance(%j, %j) = %d (capped at 3 with max 2)', (a, b, distance) => expect(editDistance(a, b, 2)).toBe(distance));

  it.each([
    ['order', 'orders', 1],
    ['заказа', 'заказом', 1],
    ['ordr', 'order', 0.85],
    ['statsu', 'status', 0.85],
    ['refunds', 'refund', 1],
    ['reimbursement', 'reimbursment', 0.85],
    ['operatr', 'operator', 0.85],
    ['cat', 'car', 0],
    ['order', 'border', 0.85],
    ['human', 'woman', 0],
  ])('wordSimilarity(%j, %j) = %d', (a, b, similarity) => expect(wordSimilarity(a, b)).toBe(similarity));

  it.each([
    ['email', 'write to me at anna@example.com please', 'anna@example.com'],
    ['email', 'no address here', null],
    ['text', '  SN-77  ', 'SN-77'],
    ['text', '   ', null],
    ['number', 'order #4242', '4242'],
  ] as const)('extractSlot(%s, %j) = %j', (type, text, value) => expect(extractSlot(type, text)).toBe(value));
});

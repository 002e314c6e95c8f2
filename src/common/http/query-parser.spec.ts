import { groupingQueryParser } from '#src/common/http/query-parser.js';

describe('groupingQueryParser', () => {
  const parse = groupingQueryParser(['custom_fields']);
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  it.each<[string, unknown]>([
    ['status=open&limit=5', { status: 'open', limit: '5' }],
    ['custom_fields.order_no=A-1', { custom_fields: { order_no: 'A-1' } }],
    ['custom_fields.a=1&custom_fields.b=x&status=open', { custom_fields: { a: '1', b: 'x' }, status: 'open' }],
    ['custom_fields.a=1&custom_fields.a=2', { custom_fields: { a: ['1', '2'] } }],
    ['custom_fields=x&custom_fields.a=1', { custom_fields: 'x', 'custom_fields.a': '1' }],
    ['custom_fields.=1', { 'custom_fields.': '1' }],
    ['other.a=1', { 'other.a': '1' }],
    ['custom_fields.order%20no=A%201', { custom_fields: { 'order no': 'A 1' } }],
  ])('%s', (text, expected) => {
    expect(plain(parse(text))).toEqual(expected);
  });

  it('never sets a prototype through a key', () => {
    const query = parse('custom_fields.__proto__=x') as { custom_fields: Record<string, unknown> };
    expect(Object.getPrototypeOf(query.custom_fields)).toBeNull();
    expect(Object.keys(query.custom_fields)).toEqual(['__proto__']);
  });
});

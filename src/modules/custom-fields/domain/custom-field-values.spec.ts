import {
  checkCustomFields,
  type CustomFieldDefinition,
  parseFilterValue,
  TEXT_MAX,
  valueProblem,
} from '#src/modules/custom-fields/domain/custom-field-values.js';

const def = (key: string, type: CustomFieldDefinition['type'], extra: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition => ({
  key,
  type,
  options: type === 'select' ? ['red', 'green'] : null,
  required: false,
  ...extra,
});

const DEFS = new Map<string, CustomFieldDefinition>(
  [def('order_no', 'text'), def('amount', 'number'), def('due', 'date'), def('colour', 'select'), def('vip', 'checkbox'), def('region', 'text', { required: true })].map(
    (d) => [d.key, d],
  ),
);

describe('valueProblem', () => {
  it.each<[CustomFieldDefinition['type'], unknown, boolean]>([
    ['text', 'A-100', true],
    ['text', '', false],
    ['text', '   ', false],
    ['text', 'x'.repeat(TEXT_MAX), true],
    ['text', 'x'.repeat(TEXT_MAX + 1), false],
    ['text', 5, false],
    ['number', 5, true],
    ['number', -2.5, true],
    ['number', '5', false],
    ['number', Number.NaN, false],
    ['number', Number.POSITIVE_INFINITY, false],
    ['date', '2026-02-28', true],
    ['date', '2024-02-29', true],
    ['date', '2026-02-29', false],
    ['date', '2026-13-01', false],
    ['date', '2026-01-01T00:00:00Z', false],
    ['date', 20260101, false],
    ['select', 'red', true],
    ['select', 'RED', false],
    ['select', 'blue', false],
    ['select', ['red'], false],
    ['checkbox', true, true],
    ['checkbox', false, true],
    ['checkbox', 'true', false],
    ['checkbox', 1, false],
  ])('%s accepts %p: %s', (type, value, ok) => {
    expect(valueProblem(def('f', type), value) === null).toBe(ok);
  });

  it('names the field path', () => {
    expect(valueProblem(def('amount', 'number'), 'x')).toBe('custom_fields.amount must be a number');
  });
});

describe('checkCustomFields', () => {
  const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

  it.each<[string, unknown, boolean, { set?: object; clear?: string[]; problems?: string[] }]>([
    ['valid values of each type', { order_no: 'A-1', amount: 3, due: '2026-01-31', colour: 'green', vip: false, region: 'EU' }, true, {
      set: { order_no: 'A-1', amount: 3, due: '2026-01-31', colour: 'green', vip: false, region: 'EU' },
    }],
    ['a missing required field on create', { order_no: 'A-1' }, true, { set: { order_no: 'A-1' }, problems: ['custom_fields.region'] }],
    ['nothing at all on create, with a required field', undefined, true, { problems: ['custom_fields.region'] }],
    ['a missing required field on update (or a chat ticket)', { order_no: 'A-1' }, false, { set: { order_no: 'A-1' } }],
    ['nothing on update', undefined, false, {}],
    ['an unknown key', { region: 'EU', nope: 1 }, true, { set: { region: 'EU' }, problems: ['custom_fields.nope'] }],
    ['a wrong type', { region: 'EU', amount: '12' }, true, { set: { region: 'EU' }, problems: ['custom_fields.amount'] }],
    ['null clears an optional field', { order_no: null }, false, { clear: ['order_no'] }],
    ['null cannot clear a required field', { region: null }, false, { problems: ['custom_fields.region'] }],
    ['null for a required field on create (one problem)', { region: null }, true, { problems: ['custom_fields.region'] }],
    ['an array is not an object', ['order_no'], false, { problems: ['custom_fields'] }],
    ['null is not an object', null, false, { problems: ['custom_fields'] }],
    ['a string is not an object', 'x', false, { problems: ['custom_fields'] }],
  ])('%s', (_, input, requireMissing, expected) => {
    const result = checkCustomFields(DEFS, input, requireMissing);
    expect(result.set).toEqual(expected.set ?? {});
    expect(result.clear).toEqual(expected.clear ?? []);
    expect(fields(result.problems)).toEqual(expected.problems ?? []);
  });

  it('checks 300 fields by key, not by scanning the definitions for each', () => {
    const many = new Map(Array.from({ length: 300 }, (_, i) => [`f${i}`, def(`f${i}`, 'number')] as const));
    const input = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, i]));
    expect(checkCustomFields(many, input, true)).toEqual({ set: input, clear: [], problems: [] });
  });
});

describe('parseFilterValue', () => {
  it.each<[string, string, unknown]>([
    ['order_no', 'A-1', 'A-1'],
    ['amount', '12', 12],
    ['amount', '-1.5', -1.5],
    ['due', '2026-01-31', '2026-01-31'],
    ['colour', 'red', 'red'],
    ['vip', 'true', true],
    ['vip', 'false', false],
  ])('%s=%s is %p', (key, text, value) => {
    expect(parseFilterValue(DEFS.get(key), key, text)).toEqual({ value });
  });

  it.each<[string, unknown]>([
    ['amount', '1e3'],
    ['amount', '0x10'],
    ['amount', ' 1'],
    ['vip', 'yes'],
    ['due', '31.01.2026'],
    ['colour', 'blue'],
    ['order_no', ['a', 'b']],
    ['nope', 'x'],
  ])('%s=%p is refused, naming the field', (key, text) => {
    expect(parseFilterValue(DEFS.get(key), key, text)).toEqual({ problem: { field: `custom_fields.${key}`, problems: [expect.any(String)] } });
  });
});

import {
  checkCustomFields,
  type CustomFieldAudience,
  type CustomFieldDefinition,
  definitionFor,
  parseFilterValue,
  sameValues,
  TEXT_MAX,
  valueProblem,
  visibleValues,
} from '#src/modules/custom-fields/domain/custom-field-values.js';

const def = (key: string, type: CustomFieldDefinition['type'], extra: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition => ({
  key,
  type,
  options: type === 'select' ? ['red', 'green'] : null,
  required: false,
  agent_only: false,
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
    const result = checkCustomFields(DEFS, input, requireMissing, 'agent');
    expect(result.set).toEqual(expected.set ?? {});
    expect(result.clear).toEqual(expected.clear ?? []);
    expect(fields(result.problems)).toEqual(expected.problems ?? []);
  });

  it('checks 300 fields by key, not by scanning the definitions for each', () => {
    const many = new Map(Array.from({ length: 300 }, (_, i) => [`f${i}`, def(`f${i}`, 'number')] as const));
    const input = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, i]));
    expect(checkCustomFields(many, input, true, 'agent')).toEqual({ set: input, clear: [], problems: [] });
  });
});

/** Two internal fields beside two public ones: `fraud_score` (optional) and `refund_ok` (required). */
const INTERNAL = new Map<string, CustomFieldDefinition>(
  [
    def('order_no', 'text'),
    def('region', 'text', { required: true }),
    def('fraud_score', 'number', { agent_only: true }),
    def('refund_ok', 'checkbox', { agent_only: true, required: true }),
  ].map((d) => [d.key, d]),
);

describe('checkCustomFields with agent-only fields', () => {
  const fields = (problems: { field: string; problems: string[] }[]) => problems.map((p) => p.field);

  it.each<[string, CustomFieldAudience, unknown, boolean, { set?: object; problems?: string[] }]>([
    ['an agent sets them', 'agent', { region: 'EU', fraud_score: 7, refund_ok: true }, true, { set: { region: 'EU', fraud_score: 7, refund_ok: true } }],
    ['an agent’s create needs a required one', 'agent', { region: 'EU' }, true, { set: { region: 'EU' }, problems: ['custom_fields.refund_ok'] }],
    ['a customer’s create is not asked for a required one', 'customer', { region: 'EU' }, true, { set: { region: 'EU' } }],
    ['a customer’s create still needs a public required one', 'customer', undefined, true, { problems: ['custom_fields.region'] }],
    ['a customer may not set one: unknown', 'customer', { region: 'EU', fraud_score: 1 }, true, { set: { region: 'EU' }, problems: ['custom_fields.fraud_score'] }],
    ['a customer may not clear one either', 'customer', { refund_ok: null }, false, { problems: ['custom_fields.refund_ok'] }],
    ['a customer sets public ones', 'customer', { region: 'US', order_no: 'A-1' }, true, { set: { region: 'US', order_no: 'A-1' } }],
  ])('%s', (_, audience, input, requireMissing, expected) => {
    const result = checkCustomFields(INTERNAL, input, requireMissing, audience);
    expect(result.set).toEqual(expected.set ?? {});
    expect(fields(result.problems)).toEqual(expected.problems ?? []);
  });

  it('tells a customer an agent-only key is unknown, in the words used for a key that does not exist', () => {
    const internal = checkCustomFields(INTERNAL, { fraud_score: 1 }, false, 'customer').problems[0].problems[0];
    const missing = checkCustomFields(INTERNAL, { nope: 1 }, false, 'customer').problems[0].problems[0];
    expect(internal.replace('fraud_score', 'X')).toBe(missing.replace('nope', 'X'));
  });
});

describe('definitionFor', () => {
  it.each<[string, CustomFieldAudience, boolean]>([
    ['order_no', 'agent', true],
    ['order_no', 'customer', true],
    ['fraud_score', 'agent', true],
    ['fraud_score', 'customer', false],
    ['nope', 'agent', false],
  ])('%s for %s: %s', (key, audience, known) => {
    expect(definitionFor(INTERNAL, key, audience) !== undefined).toBe(known);
  });
});

describe('visibleValues', () => {
  it.each<[string, CustomFieldAudience, object, object]>([
    ['agents see every value', 'agent', { order_no: 'A', fraud_score: 9, refund_ok: false }, { order_no: 'A', fraud_score: 9, refund_ok: false }],
    ['customers lose the agent-only ones', 'customer', { order_no: 'A', fraud_score: 9, refund_ok: false }, { order_no: 'A' }],
    ['customers lose a value whose field is gone (hide rather than show)', 'customer', { order_no: 'A', renamed_away: 1 }, { order_no: 'A' }],
    ['agents keep a value whose field is gone', 'agent', { renamed_away: 1 }, { renamed_away: 1 }],
    ['nothing stays nothing', 'customer', {}, {}],
  ])('%s', (_, audience, values, expected) => {
    expect(visibleValues(INTERNAL, values as Record<string, number>, audience)).toEqual(expected);
  });

  it('returns the same object when nothing is hidden (no copy per ticket on a list)', () => {
    const values = { order_no: 'A' };
    expect(visibleValues(INTERNAL, values, 'customer')).toBe(values);
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

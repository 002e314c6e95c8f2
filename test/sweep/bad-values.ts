import type { SchemaObject } from '../utils/openapi.js';

/**
 * Generated bad inputs for the bad-input sweep (test/bad-input-sweep.e2e-spec.ts).
 *
 * `refuse`: the input is wrong whatever the route does with it, so it must get a 4xx (or an error
 * ack) and write nothing. `any`: a value that may well be valid (SQL or HTML metacharacters in a
 * string, a negative id): any answer but a 5xx, with every refusal in the error shape.
 */
export type Expect = 'refuse' | 'any';

export interface BadInput {
  label: string;
  expect: Expect;
  /** The whole payload as JSON text (raw, so that it can hold what JSON.stringify cannot make or would drop). */
  json: string;
}

/** 10,000 levels of `{"a": ...}`: about 60 KB, far past any stack-bound recursive walk. */
export const DEEP_JSON = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
/** A password is only hashed (never stored, shown or searched): of the values that may be valid, it gets MIXED alone. */
const PASSWORD_FIELD = /password/;
const MIXED = 'spaces, CRLF, format strings, quotes, non-ASCII and a right-to-left override';
const SQL = "' OR '1'='1'; DROP TABLE tickets; --";
const HTML = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

interface FieldValue {
  label: string;
  expect: Expect;
  /** The value as JSON text. */
  json: string;
}

const v = (label: string, expect: Expect, value: unknown): FieldValue => ({ label, expect, json: JSON.stringify(value) });
/** JSON text that JSON.stringify would not write as such (it escapes lone surrogates itself, but keeps them). */
const raw = (label: string, expect: Expect, json: string): FieldValue => ({ label, expect, json });

/** Values every field must refuse, whatever its type. */
function anyTypeRefusals(schema: SchemaObject): FieldValue[] {
  return [
    ...(schema.type === 'object' ? [] : [v('an object', 'refuse', { a: 1 })]),
    raw('10,000 levels of nesting', 'refuse', DEEP_JSON),
    v('null', schema.nullable ? 'any' : 'refuse', null),
  ];
}

function stringValues(schema: SchemaObject): FieldValue[] {
  if (schema.enum) {
    const first = String(schema.enum[0]);
    return [
      v('a value outside the enum', 'refuse', 'bogus'),
      v('an empty string', 'refuse', ''),
      v('a number', 'refuse', 1),
      v('an array of the enum', 'refuse', [first]),
      v('the enum upper-cased', 'any', first.toUpperCase()),
      v('a lone surrogate', 'refuse', `${first}\ud800`),
      v('NUL', 'refuse', `${first}\u0000`),
      v('SQL', 'refuse', SQL),
    ];
  }
  const max = schema.maxLength;
  return [
    v('a number', 'refuse', 12345),
    v('a boolean', 'refuse', true),
    v('an array', 'refuse', ['a']),
    v('an empty array', 'refuse', []),
    v('a lone high surrogate', 'refuse', 'a\ud800b'),
    v('a lone low surrogate', 'refuse', '\udc00'),
    v('a NUL', 'refuse', 'a\u0000b'),
    v('100,000 characters', max === undefined ? 'any' : 'refuse', 'x'.repeat(100_000)),
    ...(max === undefined ? [] : [v(`${max + 1} characters (one past maxLength)`, 'refuse', 'x'.repeat(max + 1)), v(`${max} characters`, 'any', 'y'.repeat(max))]),
    v('an empty string', 'any', ''),
    v('SQL metacharacters', 'any', SQL),
    v('HTML', 'any', HTML),
    // One string for the rest, so that routes which hash what they get (passwords: about 0.3 s of CPU each) stay quick to sweep.
    v(MIXED, 'any', '  a\r\nSet-Cookie: x=1 %s%n {{7*7}} ${7*7} \\"\'` Zoë 🙂 Привет 中文 \u202egnp.exe  '),
  ];
}

function numberValues(): FieldValue[] {
  return [
    v('a word', 'refuse', 'abc'),
    v('a numeric string', 'refuse', '1'),
    v('a hex string', 'refuse', '0x10'),
    v('a boolean', 'refuse', true),
    v('an array', 'refuse', [1]),
    v('a fraction', 'refuse', 1.5),
    v('2^31 (past int4)', 'refuse', 2_147_483_648),
    v('1e308', 'refuse', 1e308),
    raw('a 30-digit integer', 'refuse', '123456789012345678901234567890'),
    raw('1e999 (Infinity once parsed)', 'refuse', '1e999'),
    raw('-0', 'any', '-0'),
    v('a lone surrogate', 'refuse', '\ud800'),
    v('-1', 'any', -1),
    v('0', 'any', 0),
    v('2^31 - 1', 'any', 2_147_483_647),
  ];
}

/** Arrays of strings (an article's tags and links): the items' own type and size are what is checked. */
function stringArrayValues(schema: SchemaObject): FieldValue[] {
  return [
    v('a string', 'refuse', 'x'),
    v('a number', 'refuse', 1),
    ...(schema.maxItems ? [v(`${schema.maxItems + 1} items`, 'refuse', Array.from({ length: schema.maxItems + 1 }, (_, i) => `item-${i}`))] : []),
    v('10,000 items', 'refuse', Array.from({ length: 10_000 }, (_, i) => `item-${i}`)),
    v('a number item', 'refuse', [1]),
    v('a null item', 'refuse', [null]),
    v('an object item', 'refuse', [{}]),
    v('a nested array item', 'refuse', [['x']]),
    v('a lone surrogate item', 'refuse', ['\ud800']),
    v('a NUL item', 'refuse', ['a\u0000b']),
    v('a 100,000-character item', 'refuse', ['x'.repeat(100_000)]),
    v('an empty array', 'any', []),
  ];
}

function booleanValues(): FieldValue[] {
  return [v('the string "true"', 'refuse', 'true'), v('1', 'refuse', 1), v('"yes"', 'refuse', 'yes'), v('an array', 'refuse', [true])];
}

function arrayValues(schema: SchemaObject): FieldValue[] {
  if (schema.items?.type === 'string') return stringArrayValues(schema);
  return [
    v('a string', 'refuse', 'x'),
    v('a number', 'refuse', 1),
    ...(schema.minItems ? [v('an empty array', 'refuse', [])] : []),
    ...(schema.maxItems ? [v(`${schema.maxItems + 1} items`, 'refuse', Array.from({ length: schema.maxItems + 1 }, (_, i) => i + 1))] : []),
    v('10,000 items', 'refuse', Array.from({ length: 10_000 }, (_, i) => i + 1)),
    v('a string item', 'refuse', ['1']),
    v('a null item', 'refuse', [null]),
    v('an object item', 'refuse', [{}]),
    v('a nested array item', 'refuse', [[1]]),
    v('a fractional item', 'refuse', [1.5]),
    v('an item past int4', 'refuse', [2_147_483_648]),
    v('a lone surrogate item', 'refuse', ['\ud800']),
    v('a negative item', 'any', [-1]),
    v('a repeated item', 'any', [1, 1]),
  ];
}

/** A free-form object (its keys and values checked by the service). */
function objectValues(): FieldValue[] {
  return [
    v('a string', 'refuse', 'x'),
    v('a number', 'refuse', 1),
    v('an array', 'refuse', []),
    raw('a __proto__ key', 'refuse', '{"__proto__":{"x":1}}'),
    v('a lone surrogate key', 'refuse', { '\ud800': 1 }),
    v('a NUL in a value', 'refuse', { mon: ['a\u0000b'] }),
    v('an empty object', 'any', {}),
    v('an unknown key', 'any', { bogus: ['x'] }),
    v('a value of the wrong type', 'any', { mon: 'x' }),
  ];
}

/** Bad values for one field of the given schema. */
export function fieldValues(schema: SchemaObject): FieldValue[] {
  const byType: Record<string, () => FieldValue[]> = {
    string: () => stringValues(schema),
    number: numberValues,
    integer: numberValues,
    boolean: booleanValues,
    array: () => arrayValues(schema),
    object: objectValues,
  };
  const typed = byType[schema.type ?? ''];
  if (!typed) throw new Error(`the bad-input sweep has no values for a field of type ${schema.type}: add them in test/sweep/bad-values.ts`);
  return [...typed(), ...anyTypeRefusals(schema)];
}

/** `base` as JSON text with `field` set to the JSON text `value` (replacing any value it had). */
function withField(base: Record<string, unknown>, field: string, value: string): string {
  const rest = Object.entries(base)
    .filter(([key]) => key !== field)
    .map(([key, item]) => `${JSON.stringify(key)}:${JSON.stringify(item)}`);
  return `{${[...rest, `${JSON.stringify(field)}:${value}`].join(',')}}`;
}

/**
 * Every generated bad payload for a body (or event payload) of `schema`, starting from the valid
 * `base`; a field that is itself an object of a known schema (a $ref) gets that schema's bad payloads.
 */
export function badPayloads(schema: SchemaObject, base: Record<string, unknown>, resolve: (schema: SchemaObject) => SchemaObject): BadInput[] {
  const inputs: BadInput[] = [];
  for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
    const values: { label: string; expect: Expect; json: string }[] =
      fieldSchema.$ref || fieldSchema.allOf
        ? badPayloads(resolve(fieldSchema), (base[field] as Record<string, unknown> | undefined) ?? {}, resolve).map((nested) => ({ ...nested, label: `.${nested.label}` }))
        : fieldValues(fieldSchema)
            .filter((value) => value.expect === 'refuse' || !PASSWORD_FIELD.test(field) || value.label === MIXED)
            .map((value) => ({ ...value, label: `: ${value.label}` }));
    for (const value of values) inputs.push({ label: `${field}${value.label}`, expect: value.expect, json: withField(base, field, value.json) });
  }
  for (const field of schema.required ?? []) {
    const rest = Object.fromEntries(Object.entries(base).filter(([key]) => key !== field));
    inputs.push({ label: `without ${field}`, expect: 'refuse', json: JSON.stringify(rest) });
  }
  const keyed = (key: string, value: string) => withField(base, key, value);
  inputs.push(
    { label: 'an unknown field', expect: 'refuse', json: keyed('is_admin', 'true') },
    { label: 'a __proto__ key', expect: 'refuse', json: keyed('__proto__', '{"is_admin":true}') },
    { label: 'a constructor key', expect: 'refuse', json: keyed('constructor', '{"prototype":{"is_admin":true}}') },
    { label: 'a prototype key', expect: 'refuse', json: keyed('prototype', '{"is_admin":true}') },
    { label: 'a lone surrogate as a key', expect: 'refuse', json: keyed('\ud800', '1') },
    { label: 'a NUL in a key', expect: 'refuse', json: keyed('a\u0000b', '1') },
    { label: '10,000 levels of nesting', expect: 'refuse', json: DEEP_JSON },
    { label: 'an array', expect: 'refuse', json: `[${JSON.stringify(base)}]` },
    { label: 'a string', expect: 'refuse', json: '"x"' },
    { label: 'a number', expect: 'refuse', json: '42' },
    { label: 'null', expect: 'refuse', json: 'null' },
  );
  return inputs;
}

/** Bad values for a path parameter that names an object by id (all refused, as 422 or 404). */
export const BAD_IDS = ['0x10', '1e3', '-1', '0', 'abc', '1.5', '%00', '%ED%A0%80', '%F0%28%8C%BC', '99999999999999999999', '2147483648', '%201', '1%20', '1;DROP TABLE tickets', '%3Cscript%3E', '..%2F..%2Fetc%2Fpasswd'];

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
/** Cursors that decode to keys of the wrong shape (the unit tests of pagination.ts hold the finer cases). */
const BAD_CURSORS = [cursor([null]), cursor(['x', 1]), cursor({ __proto__: 1 }), cursor([[1], 1]), cursor('2026-01-01'), Buffer.from('[1e999]').toString('base64url'), '%2F%2F%2F'];

/** Bad values for a query parameter of the given schema, as raw (already encoded) query text. */
export function badQueryValues(name: string, schema: SchemaObject): { value: string; expect: Expect }[] {
  if (name === 'cursor') return BAD_CURSORS.map((value) => ({ value, expect: 'refuse' }));
  const freeText = schema.type === 'string' && !schema.enum && !schema.format;
  // Bytes that are not UTF-8 reach the application as U+FFFD: refused where the value has a form, fine in free text.
  const common: { value: string; expect: Expect }[] = [
    { value: '%00', expect: 'refuse' },
    { value: '%ED%A0%80', expect: freeText ? 'any' : 'refuse' },
    { value: '%F0%28%8C%BC', expect: freeText ? 'any' : 'refuse' },
    { value: '%', expect: 'any' },
    { value: 'x'.repeat(5_000), expect: freeText ? 'any' : 'refuse' },
  ];
  if (schema.type === 'number' || schema.type === 'integer') {
    return [
      ...['abc', '1.5', '0x10', '1e3', '99999999999999999999', '2147483648', '%201', 'true', '[1]'].map((value) => ({ value, expect: 'refuse' as const })),
      ...['-1', '0', '', '101'].map((value) => ({ value, expect: 'any' as const })),
      ...common,
    ];
  }
  if (schema.enum) return [{ value: 'bogus', expect: 'refuse' }, { value: String(schema.enum[0]).toUpperCase(), expect: 'any' }, { value: '', expect: 'any' }, ...common];
  if (schema.format === 'date-time') return [{ value: 'yesterday', expect: 'refuse' }, { value: '2026-13-45T99:99:99Z', expect: 'refuse' }, ...common];
  const sql = encodeURIComponent("' OR 1=1; --");
  const html = encodeURIComponent('<script>alert(1)</script>');
  return [...['garbage', sql, html, '%25_%5C', '', encodeURIComponent('Привет 🙂')].map((value) => ({ value, expect: 'any' as const })), ...common];
}

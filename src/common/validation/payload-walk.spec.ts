import { findPayloadProblem, MAX_DEPTH } from '#src/common/validation/payload-walk.js';

/** `levels` nested arrays around `inner`. */
const nested = (levels: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
};

describe('findPayloadProblem', () => {
  it.each<[string, unknown]>([
    ['a plain body', { title: 'Cannot log in', queue_id: 3, tags: ['a', 'b'], nested: { ok: true, none: null } }],
    ['a valid surrogate pair (an emoji)', { content: 'thanks \ud83d\ude00' }],
    ['non-objects', 42],
    ['nesting at the limit', nested(MAX_DEPTH)],
    ['a key that merely contains "proto"', { proto: 1, constructors: 2 }],
  ])('accepts %s', (_, payload) => {
    expect(findPayloadProblem(payload)).toBeNull();
  });

  it.each<[string, unknown, string, string]>([
    ['a NUL character', { a: { b: 'x\u0000y' } }, 'a.b', 'a.b must not contain NUL characters'],
    ['a NUL character in an array', { ids: ['ok', '\u0000'] }, 'ids.1', 'ids.1 must not contain NUL characters'],
    ['a lone high surrogate', { email: 'a\ud800@example.com' }, 'email', 'email must be well-formed Unicode (no lone surrogates)'],
    ['a lone low surrogate', { name: '\udc00' }, 'name', 'name must be well-formed Unicode (no lone surrogates)'],
    ['a reversed pair', { name: '\ude00\ud83d' }, 'name', 'name must be well-formed Unicode (no lone surrogates)'],
    ['a lone surrogate in a key', { a: { ['k\ud800']: 1 } }, 'a', 'a: keys must be well-formed Unicode (no lone surrogates)'],
    ['a NUL character in a key', { ['k\u0000']: 1 }, 'value', 'value: keys must not contain NUL characters'],
    ['an own __proto__ key', JSON.parse('{"title":"x","__proto__":{"admin":true}}') as unknown, '__proto__', 'property __proto__ should not exist'],
    ['a constructor key', { a: { constructor: { prototype: 1 } } }, 'a.constructor', 'property constructor should not exist'],
    ['a prototype key', { prototype: 1 }, 'prototype', 'property prototype should not exist'],
    ['a string on its own', 'x\u0000', 'value', 'value must not contain NUL characters'],
  ])('refuses %s, naming the field', (_, payload, field, problem) => {
    expect(findPayloadProblem(payload)).toEqual({ field, problems: [problem] });
  });

  it.each([MAX_DEPTH + 1, 10_000, 1_000_000])('refuses nesting %i levels deep without overflowing the stack', (levels) => {
    const problem = findPayloadProblem({ a: nested(levels - 1) });
    expect(problem?.problems[0]).toContain(`must not be nested more than ${MAX_DEPTH} levels deep`);
    expect(problem?.field).toBe(`a${'.0'.repeat(MAX_DEPTH - 1)}`);
  });
});

import { AppError } from '#src/common/errors/app-error.js';
import { disagreements, eitherName, type OwnedField } from '#src/common/validation/agreement.js';

const owned = (given: unknown, expected: unknown): OwnedField => ({ field: 'author_id', given, expected, must: "the caller's own id" });

describe('disagreements', () => {
  it.each<[string, OwnedField[], string[]]>([
    ['a field left out', [owned(undefined, 7)], []],
    ['a field that agrees', [owned(7, 7)], []],
    ['a field that agrees, false', [{ ...owned(false, false), field: 'is_from_agent' }], []],
    ['another value', [owned(8, 7)], ['author_id']],
    ['the same value as a string', [owned('7', 7)], ['author_id']],
    ['null', [owned(null, 7)], ['author_id']],
    ['two fields, one wrong', [owned(7, 7), { ...owned('closed', 'open'), field: 'status' }], ['status']],
  ])('%s', (_, fields, expected) => {
    expect(disagreements(fields).map((p) => p.field)).toEqual(expected);
  });

  it('says what to send instead', () => {
    expect(disagreements([owned(8, 7)])).toEqual([{ field: 'author_id', problems: ["author_id is set by the server: leave it out or send the caller's own id"] }]);
  });
});

describe('eitherName', () => {
  const pick = (canonical: number | undefined, alias: number | undefined) => eitherName({ field: 'agent_id', value: canonical }, { field: 'assigned_to', value: alias });

  it.each<[number | undefined, number | undefined, number | undefined]>([
    [undefined, undefined, undefined],
    [3, undefined, 3],
    [undefined, 3, 3],
    [3, 3, 3],
  ])('agent_id %s and assigned_to %s give %s', (canonical, alias, expected) => {
    expect(pick(canonical, alias)).toBe(expected);
  });

  it('refuses two different values, naming the alias', () => {
    expect(() => pick(3, 4)).toThrow(AppError);
    try {
      pick(3, 4);
    } catch (error) {
      expect((error as AppError).details).toEqual([{ field: 'assigned_to', problems: ['assigned_to is another name for agent_id: send one, or both with the same value'] }]);
    }
  });
});

import { lowerCaseEnum } from '#src/common/validation/enum-value.js';

describe('lowerCaseEnum', () => {
  it.each<[unknown, unknown]>([
    ['OPEN', 'open'],
    ['High', 'high'],
    ['in_progress', 'in_progress'],
    ['WAITING_CUSTOMER', 'waiting_customer'],
    ['LOW\u212A', 'LOW\u212A'], // the Kelvin sign would fold to "k": left alone, so it fails its check
    ['İ', 'İ'],
    ['open ', 'open '],
    ['', ''],
    [7, 7],
    [null, null],
    [undefined, undefined],
  ])('%p becomes %p', (value, expected) => {
    expect(lowerCaseEnum(value)).toBe(expected);
  });
});

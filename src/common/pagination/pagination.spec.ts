import { AppError } from '#src/common/errors/app-error.js';
import { decodeCursor, encodeCursor, toPage } from '#src/common/pagination/pagination.js';

describe('keyset cursors', () => {
  it('round-trips a key', () => {
    const key = ['2026-11-22T10:00:00.123456Z', 42];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'int'])).toEqual(key);
  });

  it.each([
    ['garbage', 'not base64 json at all'],
    ['wrong arity', encodeCursor([1, 2])],
    ['a string id', encodeCursor(['1'])],
    ['a negative id', encodeCursor([-1])],
    ['an id past int4', encodeCursor([2 ** 31])],
    ['an object', Buffer.from('{"id":1}').toString('base64url')],
    ['SQL in a timestamp', encodeCursor(["2026-01-01'; DROP TABLE users; --", 1])],
  ])('refuses %s with a validation error', (_, cursor) => {
    const kinds: ('int' | 'timestamp')[] = _ === 'SQL in a timestamp' ? ['timestamp', 'int'] : ['int'];
    expect(() => decodeCursor(cursor, kinds)).toThrow(AppError);
  });
});

describe('toPage', () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it('returns a cursor for the last row when more rows follow', () => {
    const page = toPage(rows, 2, (r) => r.id, (r) => [r.id]);
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.next_cursor!, ['int'])).toEqual([2]);
  });

  it('returns no cursor on the last page', () => {
    expect(toPage(rows, 3, (r) => r.id, (r) => [r.id])).toEqual({ items: [1, 2, 3], next_cursor: null });
  });
});

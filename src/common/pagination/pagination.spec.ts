import { AppError } from '#src/common/errors/app-error.js';
import { decodeCursor, encodeCursor, toPage } from '#src/common/pagination/pagination.js';

describe('keyset cursors', () => {
  it('round-trips a key', () => {
    const key = ['2026-11-22T10:00:00.123456Z', 42];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'int'])).toEqual(key);
  });

  const ID: ('int' | 'timestamp')[] = ['int'];
  const TS_ID: ('int' | 'timestamp')[] = ['timestamp', 'int'];

  it.each([
    ['garbage', 'not base64 json at all', ID],
    ['wrong arity', encodeCursor([1, 2]), ID],
    ['a string id', encodeCursor(['1']), ID],
    ['a negative id', encodeCursor([-1]), ID],
    ['an id past int4', encodeCursor([2 ** 31]), ID],
    ['an object', Buffer.from('{"id":1}').toString('base64url'), ID],
    ['SQL in a timestamp', encodeCursor(["2026-01-01'; DROP TABLE users; --", 1]), TS_ID],
    ['a day that does not exist', encodeCursor(['2024-02-30T00:00:00Z', 1]), TS_ID],
    ['an hour past 23', encodeCursor(['2026-01-01T24:30:00Z', 1]), TS_ID],
    ['a timestamp without a zone', encodeCursor(['2026-01-01T10:00:00', 1]), TS_ID],
    ['more than microseconds', encodeCursor(['2026-01-01T10:00:00.1234567Z', 1]), TS_ID],
  ])('refuses %s with a validation error', (_, cursor, kinds) => {
    expect(() => decodeCursor(cursor, kinds)).toThrow(AppError);
  });

  it.each(['2024-02-29T23:59:59Z', '2026-11-22T10:00:00.1Z', '1999-12-31T00:00:00.000001Z'])('accepts the real instant %s', (ts) => {
    expect(decodeCursor(encodeCursor([ts, 7]), TS_ID)).toEqual([ts, 7]);
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

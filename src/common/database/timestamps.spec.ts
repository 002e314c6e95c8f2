import { pgTimestampToCursor, pgTimestampToIso, pgTimestampToIsoOrNull } from '#src/common/database/timestamps.js';

describe('PostgreSQL timestamptz text to ISO-8601', () => {
  it.each([
    ['2026-12-01 21:15:01.636123+00', '2026-12-01T21:15:01.636Z', '2026-12-01T21:15:01.636123Z'],
    ['2026-12-01 21:15:01.636999+00', '2026-12-01T21:15:01.636Z', '2026-12-01T21:15:01.636999Z'],
    ['2026-12-01 21:15:01.5+00', '2026-12-01T21:15:01.500Z', '2026-12-01T21:15:01.500000Z'],
    ['2026-12-01 21:15:01+00', '2026-12-01T21:15:01.000Z', '2026-12-01T21:15:01.000000Z'],
    ['2024-02-29 00:00:00.001+00', '2024-02-29T00:00:00.001Z', '2024-02-29T00:00:00.001000Z'],
    // Another session time zone: correct, through Date.
    ['2026-12-02 00:15:01.636+03', '2026-12-01T21:15:01.636Z', '2026-12-01T21:15:01.636000Z'],
    ['2026-12-01 16:45:01.636-04:30', '2026-12-01T21:15:01.636Z', '2026-12-01T21:15:01.636000Z'],
  ])('%s', (text, iso, cursor) => {
    expect(pgTimestampToIso(text)).toBe(iso);
    expect(pgTimestampToCursor(text)).toBe(cursor);
  });

  it('agrees with Date for what the fast path handles', () => {
    const date = new Date('2031-07-04T09:08:07.123Z');
    expect(pgTimestampToIso('2031-07-04 09:08:07.123456+00')).toBe(date.toISOString());
  });

  it('keeps null as null and refuses what is no timestamp', () => {
    expect(pgTimestampToIsoOrNull(null)).toBeNull();
    expect(() => pgTimestampToIso('infinity')).toThrow('Unexpected timestamp');
  });
});

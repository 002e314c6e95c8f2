/**
 * PostgreSQL's text form of a `timestamptz` in a UTC session with DateStyle ISO, as the hot-path
 * statements receive it unparsed ("2026-12-01 21:15:01.636123+00"), turned into what clients get:
 * ISO-8601 UTC with milliseconds, as Date#toISOString writes it, or with microseconds for keyset
 * cursors. Anything else (another offset, a year past 9999) goes through Date, so it is never wrong,
 * only slower.
 */
const PLAIN = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/;

function split(text: string): [string, string] | null {
  if (!PLAIN.test(text)) return null;
  const fraction = text.length > 22 ? text.slice(20, -3) : '';
  return [`${text.slice(0, 10)}T${text.slice(11, 19)}`, fraction];
}

function viaDate(text: string): Date {
  // "2026-12-01 21:15:01.5+05:30" is valid ISO once the space is a T and the offset has minutes.
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Unexpected timestamp from PostgreSQL: ${text}`);
  return date;
}

/** "2026-12-01T21:15:01.636Z" (milliseconds, truncated like Date). */
export function pgTimestampToIso(text: string): string {
  const parts = split(text);
  return parts ? `${parts[0]}.${(parts[1] + '000').slice(0, 3)}Z` : viaDate(text).toISOString();
}

/** pgTimestampToIso for a nullable column. */
export function pgTimestampToIsoOrNull(text: string | null): string | null {
  return text === null ? null : pgTimestampToIso(text);
}

/** "2026-12-01T21:15:01.636123Z" (microseconds, as PostgreSQL stores them): for keyset cursors. */
export function pgTimestampToCursor(text: string): string {
  const parts = split(text);
  if (parts) return `${parts[0]}.${(parts[1] + '000000').slice(0, 6)}Z`;
  return viaDate(text).toISOString().replace('Z', '000Z');
}

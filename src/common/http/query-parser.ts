import { parse } from 'node:querystring';

/**
 * Express's "simple" query parser (node:querystring: flat keys, a repeated key becomes an array),
 * except that keys `<group>.<name>` of the given groups are gathered into one object under
 * `<group>`: `?custom_fields.order_no=A-1` reads as `{custom_fields: {order_no: 'A-1'}}`, which a
 * query DTO can declare as one property (the global pipe refuses unknown flat keys).
 */
export function groupingQueryParser(groups: readonly string[]): (text: string) => Record<string, unknown> {
  const prefixes = groups.map((group) => [group, `${group}.`] as const);
  return (text) => {
    const query: Record<string, unknown> = parse(text);
    for (const key of Object.keys(query)) {
      const match = prefixes.find(([, prefix]) => key.startsWith(prefix) && key.length > prefix.length);
      if (!match) continue;
      const [group, prefix] = match;
      const existing = query[group];
      // A flat `?custom_fields=x` stays as it came, and fails its DTO's check.
      if (existing !== undefined && (typeof existing !== 'object' || Array.isArray(existing))) continue;
      const object = (existing ?? Object.create(null)) as Record<string, unknown>;
      object[key.slice(prefix.length)] = query[key];
      query[group] = object;
      delete query[key];
    }
    return query;
  };
}

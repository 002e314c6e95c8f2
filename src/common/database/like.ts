/** Text matched literally inside a LIKE / ILIKE pattern (backslash is PostgreSQL's default escape): `%`, `_` and `\\` lose their meaning. */
export const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

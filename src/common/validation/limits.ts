/** Largest value of a PostgreSQL integer column: ids above it are refused before any query. */
export const MAX_INT4 = 2_147_483_647;

/** Largest value of a PostgreSQL integer column: ids above it are refused before any query. */
export const MAX_INT4 = 2_147_483_647;
/** Decimal digits only, no sign, no leading zero, at most 10 digits ("0x10", "1e3", " 1", "01" do not match). */
export const DECIMAL_INT = /^(?:0|[1-9]\d{0,9})$/;

/**
 * SQL for the epoch milliseconds of a timestamptz column, as float8 (exact for whole
 * milliseconds): instants travel as numbers, since parsing thousands of timestamptz strings into
 * Dates dominated CPU. `date_part` computes in float8; `extract`, numeric since PostgreSQL 14, cost
 * a third of the booking path's capacity statement.
 */
export const epochMsSql = (column: string): string => `round(date_part('epoch', ${column}) * 1000)`;

import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Rows and affected-row count of one statement, as pg answers them. */
export interface PreparedResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * Runs one statement as a named prepared statement straight on the data source's pg pool. For
 * hot paths that run the same SQL thousands of times a second (message dispatch): PostgreSQL
 * parses and plans it once per connection instead of on every call, and the call skips
 * TypeORM's per-query runner. `name` must be unique per distinct `text` — pg refuses a name
 * reused for other SQL. Not for statements inside a TypeORM transaction (it takes its own
 * pooled connection).
 */
export async function preparedQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<PreparedResult<R>> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const r = await pool.query<R>({ name, text, values });
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

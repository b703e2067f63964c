import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/** Rows and affected-row count of one statement, as pg answers them. */
export interface PreparedResult<R> {
  rows: R[];
  rowCount: number;
}

/** The data source's pg pool (TypeORM's driver holds it); undefined before the data source has connected. */
export function pgPool(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as PostgresDriver | undefined)?.master as Pool | undefined;
}

/**
 * Runs one statement as a named prepared statement straight on the data source's pg pool. For
 * hot paths that run the same SQL thousands of times a second (message dispatch): PostgreSQL
 * parses and plans it once per connection instead of on every call, and the call skips
 * TypeORM's per-query runner. `name` must be unique per distinct `text` — pg refuses a name
 * reused for other SQL. Not for statements inside a TypeORM transaction (it takes its own
 * pooled connection): inside one, use {@link txQuery}.
 */
export async function preparedQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<PreparedResult<R>> {
  const r = await (pgPool(dataSource) as Pool).query<R>({ name, text, values });
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

/**
 * Runs one statement as a named prepared statement on the connection of the caller's TypeORM
 * transaction (the booking path's statements), and answers pg's rows as they come (no entity hydration). A series booking
 * sends about ten statements while other bookings of its days wait: parsed and planned once per
 * connection, and skipping TypeORM's query building, each costs the API and PostgreSQL less CPU.
 * `name` must be unique per distinct `text` (pg refuses a name reused for other SQL). Errors are
 * pg's own (`code`, `constraint`), which `pgCode` / `pgConstraint` read as they read TypeORM's.
 * Outside a transaction (a listener called on its own) it is a plain `em.query`; for an UPDATE or
 * DELETE that answers `[rows, count]`, so use it for SELECT and INSERT statements only.
 */
export async function txQuery<R extends QueryResultRow>(em: EntityManager, name: string, text: string, values: unknown[]): Promise<R[]> {
  const runner = em.queryRunner as PostgresQueryRunner | undefined;
  if (!runner?.isTransactionActive) return em.query<R[]>(text, values);
  const client = (await runner.connect()) as PoolClient;
  return (await client.query<R>({ name, text, values })).rows;
}

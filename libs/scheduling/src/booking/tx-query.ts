import type { PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * Runs one statement of the booking path as a named prepared statement on the connection of the
 * caller's transaction, and answers pg's rows as they come (no entity hydration). A series booking
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

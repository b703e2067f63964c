import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The connection pool of one process, as /metrics reports it. */
export type PoolStats = {
  /** The pool's size (DATABASE_POOL_SIZE or the process role's default). */
  max: number;
  /** Connections open, in use or idle. */
  total: number;
  idle: number;
  /** Requests waiting for a connection: the pool is this process's admission control. */
  waiting: number;
};

/** Reads the data source's pg pool; null before the data source has connected. */
export function poolStats(dataSource: DataSource): PoolStats | null {
  const pool = (dataSource.driver as PostgresDriver | undefined)?.master as Pool | undefined;
  if (!pool) return null;
  return { max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

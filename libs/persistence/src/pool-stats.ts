import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '@chairtime/observability';
import { DEFAULT_POOL_SIZE } from './data-source.options';
import { pgPool } from './prepared-query';

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
  const pool = pgPool(dataSource);
  if (!pool) return null;
  return { max: pool.options.max ?? DEFAULT_POOL_SIZE, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

/** The process's {@link Metrics} (`app` labels them), its database pool included. */
export const metricsProvider = (app: string): Provider => ({
  provide: Metrics,
  inject: [DataSource],
  useFactory: (dataSource: DataSource) => new Metrics(app, () => poolStats(dataSource)),
});

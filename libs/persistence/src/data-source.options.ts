import { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/* eslint-disable @typescript-eslint/no-unsafe-function-type */
export interface PersistenceInput {
  databaseUrl: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /** Pool size of this process (DatabaseModule: the role's default or DATABASE_POOL_SIZE). */
  poolSize?: number;
  applicationName?: string;
}

/** Pool size when the caller names none (pg-pool's own default too). */
export const DEFAULT_POOL_SIZE = 10;

/**
 * The one TypeORM configuration shared by the API, the worker, the CLI and the tests.
 * `synchronize` is off everywhere: the schema comes only from reviewed migrations.
 */
export function buildDataSourceOptions(input: PersistenceInput): DataSourceOptions {
  const poolSize = input.poolSize ?? DEFAULT_POOL_SIZE;
  return {
    type: 'postgres',
    url: input.databaseUrl,
    entities: input.entities,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built in since PostgreSQL 13; extensions come from migrations only.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
    extra: {
      max: poolSize,
      // Connections once opened stay open (pg-pool would close each after 10 s idle): a fresh one
      // costs the next request the connect, and its backend has no catalog cache and none of the
      // hot path's prepared statements yet — after a quiet spell, every request would pay that.
      min: poolSize,
      application_name: input.applicationName ?? 'chairtime',
      // Fail fast instead of queueing forever when Postgres is gone; readiness reports it.
      connectionTimeoutMillis: 3000,
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
    },
  };
}

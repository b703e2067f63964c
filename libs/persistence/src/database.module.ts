import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { buildDataSourceOptions } from './data-source.options';
import { ConnectionBudgetCheck } from './connection-budget';
import { ENTITIES, MIGRATIONS } from './registry';

/**
 * The shared DataSource for a Nest app. `defaultPoolSize` is the process role's pool size, used
 * unless DATABASE_POOL_SIZE sets one (see AppConfig.databasePoolSize).
 */
@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string, defaultPoolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions({
              databaseUrl: config.databaseUrl,
              entities: ENTITIES,
              migrations: MIGRATIONS,
              poolSize: config.databasePoolSize ?? defaultPoolSize,
              applicationName,
            }),
            // Start even if Postgres is down; readiness reports it and the pool reconnects.
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      // Says at start when this process's pool would not fit in the connection slots left.
      providers: [ConnectionBudgetCheck],
    };
  }
}

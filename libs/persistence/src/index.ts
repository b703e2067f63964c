export * from './snake-naming.strategy';
export * from './data-source.options';
export * from './pg-errors';
export * from './transaction';
export * from './prepared-query';
export * from './database.module';
export * from './sql-fragments';
export * from './pool-stats';

export * from './queues';
export * from './job-options';
export * from './redis';
export * from './queues.module';
export * from './outbox';
export * from './job-handler';
export * from './redis-policy';
export * from './coalescer';

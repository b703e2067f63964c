export * from './outbox-entry.entity';
export * from './outbox';

export * from './audit-entry.entity';

export * from './entities';
export * from './audit.service';
export * from './audit-query.service';
export * from './audit-purge.service';
export * from './audit.module';
export * from './purge-audit.handler';

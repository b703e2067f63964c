export * from './entities';
export * from './audit.service';
export * from './audit.module';

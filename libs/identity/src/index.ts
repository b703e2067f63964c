export * from './access.decorators';
export * from './principal';
export * from './scope';
export * from './token.service';
export * from './access.guard';
export * from './identity.module';

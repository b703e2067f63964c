export * from './app-user.entity';
export * from './user-clinic.entity';
export * from './refresh-token.entity';
export * from './session-revocation.entity';
export * from './login-failure.entity';

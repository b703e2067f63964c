import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { AccessGuard } from './access.guard';
import { TokenService } from './token.service';
import { SessionRevocations } from './session-revocations';
import { PasswordService } from './password.service';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { throttlerOptions } from './throttling';
import { UserDirectory } from './user-directory';
import { LoginThrottler } from './login-throttler';

/**
 * Rate limits, authentication and the default-deny access guard applied to every route of the API.
 * (Routes marked `@AuditRead` bring their own audit interceptor.)
 */
@Global()
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => throttlerOptions(config) })],
  providers: [
    SessionRevocations,
    UserDirectory,
    LoginThrottler,
    TokenService,
    PasswordService,
    AuthService,
    UsersService,
    // Rate limits run first, so floods of bad tokens are refused before they cost an audit row.
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenService, UserDirectory, LoginThrottler, SessionRevocations, PasswordService, AuthService, UsersService],
})
export class IdentityModule {}

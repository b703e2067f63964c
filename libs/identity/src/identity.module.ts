import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { TokenService } from './token.service';

/** Authentication and the default-deny access guard, applied to every route of the API. */
@Global()
@Module({
  providers: [TokenService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [TokenService],
})
export class IdentityModule {}

import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { UsersController } from './users.controller';

/** HTTP surface of identity: sign-in, sessions, users. Services come from the global IdentityModule. */
@Module({ controllers: [AuthController, UsersController] })
export class IdentityHttpModule {}

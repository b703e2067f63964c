import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles, UsersService } from '@chairtime/identity';
import { CreateUserDto, CreatedUserDto, UserDto } from './auth.dto';
import { EVERY_ROLE } from './auth.controller';
import { ApiProblems } from '../http/problem.dto';

/** Users: the caller's own profile, and account creation by admins. */
@ApiTags('users')
@Controller('v1')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Roles(...EVERY_ROLE)
  @ApiOkResponse({ type: UserDto })
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiProblems([404, 'The token’s user no longer exists'])
  me(@CurrentPrincipal() p: Principal): Promise<UserDto> {
    return this.users.me(p);
  }

  @Post('users')
  @Roles(Role.Admin)
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiProblems([409, 'The email is taken'])
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateUserDto, @RequestId() requestId: string | null): Promise<CreatedUserDto> {
    return this.users.create(p, body, requestId);
  }
}

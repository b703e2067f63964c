import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AuthService, CurrentPrincipal, LoginThrottle, Principal, Public, RequestId, Role, Roles } from '@chairtime/identity';
import { LoginDto, RefreshDto, TokenPairDto } from './auth.dto';
import { ApiProblems } from '../http/problem.dto';

/** Any signed-in caller. */
export const EVERY_ROLE = [Role.Admin, Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient];

/** Sign-in and session endpoints. Login and refresh are public by nature; logout needs a session. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @LoginThrottle()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({
    description:
      'Too many wrong passwords for this email from this address (a growing delay; `Retry-After` says how long), or too many from this address across accounts',
  })
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiProblems([401, 'Wrong email or password (the same answer and timing for an unknown email)'])
  login(@Body() body: LoginDto, @RequestId() requestId: string | null, @Ip() source: string): Promise<TokenPairDto> {
    return this.auth.login(body.email, body.password, { requestId, source });
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair' })
  @ApiProblems([401, 'Unknown, expired or reused refresh token (reuse ends the session)'])
  refresh(@Body() body: RefreshDto, @RequestId() requestId: string | null): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken, { requestId });
  }

  @Post('logout')
  @Roles(...EVERY_ROLE)
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'The refresh token’s session is revoked, its access tokens with it (also answered for unknown tokens)',
  })
  @ApiOperation({ summary: 'Sign out: end the session' })
  async logout(@CurrentPrincipal() p: Principal, @Body() body: RefreshDto, @RequestId() requestId: string | null): Promise<void> {
    await this.auth.logout(p, body.refreshToken, { requestId });
  }
}

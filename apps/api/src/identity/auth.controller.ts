import { Body, Controller, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { DomainError } from '@chairtime/domain';
import { AuthService, CurrentPrincipal, LoginThrottle, Principal, Public, RequestId, Role, Roles, TokenPair } from '@chairtime/identity';
import { LoginDto, RefreshDto, TokenPairDto } from './auth.dto';
import { clearRefreshCookie, cookieTokenOf, refreshCookie, setRefreshCookie, wantsCookieSession } from './session-cookie';

/** Any signed-in caller. */
export const EVERY_ROLE = [Role.Admin, Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient];

const COOKIE_HEADER = {
  name: 'X-Requested-With',
  required: false,
  schema: { type: 'string', maxLength: 100 },
  description: '`chairtime`: the browser session — the refresh token goes in an HttpOnly cookie (Path=/v1/auth), not the body',
};

/**
 * Sign-in and session endpoints. Login and refresh are public by nature; logout needs a session.
 * Two ways to hold the refresh token: in the body (API clients), or in the session cookie (the
 * web app, which asks for it with `X-Requested-With: chairtime`; see session-cookie.ts).
 */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @LoginThrottle()
  @ApiHeader(COOKIE_HEADER)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer and timing for an unknown email)' })
  @ApiTooManyRequestsResponse({
    description:
      'Too many wrong passwords for this email from this address (a growing delay; `Retry-After` says how long), or too many from this address across accounts',
  })
  async login(
    @Body() body: LoginDto,
    @RequestId() requestId: string | null,
    @Ip() source: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    return this.answer(req, res, await this.auth.login(body.email, body.password, { requestId, source }), wantsCookieSession(req));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiHeader(COOKIE_HEADER)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'Neither a refreshToken in the body nor the session cookie' })
  @ApiUnauthorizedResponse({ description: 'The refresh token is invalid or expired, or the browser has no session cookie' })
  @ApiForbiddenResponse({ description: 'The session cookie without X-Requested-With: chairtime, or from another site (CSRF)' })
  @ApiOperation({ summary: 'Exchange a refresh token (body or session cookie) for a new pair' })
  async refresh(
    @Body() body: RefreshDto,
    @RequestId() requestId: string | null,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairDto> {
    // null is no token (IsOptional lets it through): it takes the cookie path, a 400 for an API client.
    if (body.refreshToken != null) return this.auth.refresh(body.refreshToken, { requestId });
    const token = this.cookieToken(req);
    try {
      return this.answer(req, res, await this.auth.refresh(token, { requestId }), true);
    } catch (error) {
      // A dead token in the cookie would fail every page load: drop it.
      if (error instanceof DomainError && error.code === 'unauthorized') clearRefreshCookie(req, res);
      throw error;
    }
  }

  @Post('logout')
  @Roles(...EVERY_ROLE)
  @HttpCode(204)
  @ApiHeader(COOKIE_HEADER)
  @ApiNoContentResponse({
    description:
      'The refresh token’s session is revoked, its access tokens with it (also answered for unknown tokens); the session cookie is cleared',
  })
  @ApiBadRequestResponse({ description: 'Neither a refreshToken in the body nor the session cookie' })
  @ApiForbiddenResponse({ description: 'The session cookie without X-Requested-With: chairtime, or from another site (CSRF)' })
  @ApiOperation({ summary: 'Sign out: end the session' })
  async logout(
    @CurrentPrincipal() p: Principal,
    @Body() body: RefreshDto,
    @RequestId() requestId: string | null,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    // null is no token (IsOptional lets it through): it takes the cookie path, a 400 for an API client.
    if (body.refreshToken != null) return this.auth.logout(p, body.refreshToken, { requestId });
    const cookie = wantsCookieSession(req) ? refreshCookie(req) : null;
    if (cookie === null && wantsCookieSession(req)) {
      // No cookie left (another tab signed out): end the session of the access token itself.
      const bearer = req.headers.authorization?.slice('Bearer '.length).trim() ?? '';
      await this.auth.endSession(bearer, { requestId });
    } else {
      await this.auth.logout(p, this.cookieToken(req), { requestId });
    }
    clearRefreshCookie(req, res);
  }

  /** The cookie's token after the CSRF checks; a request with neither body token nor cookie is a 400 as before. */
  private cookieToken(req: Request): string {
    if (!wantsCookieSession(req) && refreshCookie(req) === null) {
      throw new DomainError('validation', 'must be a string (or send the session cookie)', { path: 'refreshToken' });
    }
    return cookieTokenOf(req, this.config.corsOrigins);
  }

  /** Cookie mode: the refresh token goes into the cookie and out of the body, where page scripts could read it. */
  private answer(req: Request, res: Response, pair: TokenPair, cookie: boolean): TokenPairDto {
    if (!cookie) return pair;
    setRefreshCookie(req, res, pair.refreshToken, this.config.refreshTokenTtlSeconds);
    return { accessToken: pair.accessToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
  }
}

import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { AuthService, LoginThrottle, Public, RequestId, Role, TokenService } from '@chairtime/identity';
import { LoginDto } from '../identity/auth.dto';
import { ADMIN_COOKIE, ADMIN_COOKIE_PATH, auditAdminRefusal } from './admin-only.middleware';
import { ADMIN_QUEUES_ROUTE } from './admin-queues.route';

const PAGE_HEADERS = { 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8' };

/**
 * A browser cannot attach a bearer header to a page it navigates to, so an admin signs in to
 * Bull Board here: the form posts email and password to `POST /admin/session`, which signs in
 * like `POST /v1/auth/login` (same throttle, lock-out and audit), keeps only the access token in
 * an HttpOnly, SameSite=Strict cookie scoped to `/admin` (it lapses with the token), and revokes
 * the refresh session at once — the cookie cannot be renewed, only signed in again. A non-admin
 * gets no cookie. SameSite=Strict keeps other sites from riding the cookie into the board's
 * retry/clean calls.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminSessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('login')
  @Public()
  loginPage(@Query('failed') failed: string | undefined, @Res() res: Response): void {
    const notice = failed === undefined ? '' : '<p role="alert">Sign-in failed, or the account is not an admin.</p>';
    res
      .status(200)
      .set(PAGE_HEADERS)
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chairtime queues — sign in</title></head><body>` +
          `<h1>Chairtime queues</h1>${notice}<form method="post" action="/admin/session">` +
          `<label>Email <input name="email" type="email" autocomplete="username" required></label> ` +
          `<label>Password <input name="password" type="password" autocomplete="current-password" required></label> ` +
          `<button type="submit">Sign in</button></form></body></html>`,
      );
  }

  @Post('session')
  @Public()
  @LoginThrottle()
  @HttpCode(303)
  async signIn(@Body() body: LoginDto, @RequestId() requestId: string | null, @Res() res: Response): Promise<void> {
    let pair;
    try {
      pair = await this.auth.login(body.email, body.password, { requestId });
    } catch (error) {
      // Wrong credentials answer the form again; throttling and lock-out stay problem+json 429.
      if (error instanceof DomainError && error.code === 'unauthorized') return void res.redirect(303, '/admin/login?failed');
      throw error;
    }
    const principal = await this.tokens.verifyAccess(pair.accessToken);
    // The browser session is the access token alone: the refresh session is of no use to it.
    if (principal) await this.auth.logout(principal, pair.refreshToken, { requestId });
    if (principal?.role !== Role.Admin) {
      if (principal) await auditAdminRefusal(this.audit, principal, requestId, 'POST /admin/session');
      return void res.redirect(303, '/admin/login?failed');
    }
    res.cookie(ADMIN_COOKIE, pair.accessToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.nodeEnv === 'production',
      path: ADMIN_COOKIE_PATH,
      maxAge: pair.expiresIn * 1000,
    });
    res.redirect(303, ADMIN_QUEUES_ROUTE);
  }

  @Post('logout')
  @Public()
  @HttpCode(303)
  signOut(@Res() res: Response): void {
    res.clearCookie(ADMIN_COOKIE, {
      path: ADMIN_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.nodeEnv === 'production',
    });
    res.redirect(303, '/admin/login');
  }
}

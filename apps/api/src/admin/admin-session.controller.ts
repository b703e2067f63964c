import { Body, Controller, Get, Inject, Ip, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { AuthService, LoginThrottle, Public, RequestId } from '@chairtime/identity';
import { DomainError } from '@chairtime/domain';
import { LoginDto } from '../identity/auth.dto';
import { ADMIN_COOKIE, ADMIN_COOKIE_PATH, adminCookie } from './admin-only.middleware';
import { ADMIN_QUEUES_ROUTE } from './admin-queues.route';

const PAGE_HEADERS = { 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8' };

/**
 * A browser cannot attach a bearer header to a page it navigates to, so an admin signs in to
 * Bull Board here: the form posts email and password to `POST /admin/session`, which signs in
 * like `POST /v1/auth/login` (same throttling and audit; a cross-origin post is a 403;
 * {@link AuthService.adminBrowserSession}), keeps only the access token in an HttpOnly, SameSite=Strict cookie scoped to `/admin` (it lapses with the token), and revokes
 * the refresh session at once — the cookie cannot be renewed, only signed in again. A non-admin
 * gets no cookie. SameSite=Strict keeps other sites from riding the cookie into the board's
 * retry/clean calls.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminSessionController {
  constructor(
    private readonly auth: AuthService,
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
  async signIn(
    @Req() req: Request,
    @Body() body: LoginDto,
    @RequestId() requestId: string | null,
    @Ip() source: string,
    @Res() res: Response,
  ): Promise<void> {
    refuseCrossOrigin(req);
    const session = await this.auth.adminBrowserSession(body.email, body.password, { requestId, source, route: 'POST /admin/session' });
    if (!session) return void res.redirect(303, '/admin/login?failed');
    res.cookie(ADMIN_COOKIE, session.accessToken, { ...this.cookieOptions(req), maxAge: session.expiresIn * 1000 });
    res.redirect(303, ADMIN_QUEUES_ROUTE);
  }

  /** Clears the cookie and ends its session: the token is refused from now on, even if a copy of the cookie is replayed. */
  @Post('logout')
  @Public()
  async signOut(@Req() req: Request, @RequestId() requestId: string | null, @Res() res: Response): Promise<void> {
    refuseCrossOrigin(req);
    const token = adminCookie(req.headers.cookie);
    if (token) await this.auth.endSession(token, { requestId });
    res.clearCookie(ADMIN_COOKIE, this.cookieOptions(req));
    res.redirect(303, '/admin/login');
  }

  /** `Secure` whenever the browser reached us over HTTPS (`req.secure` honours TRUST_PROXY's X-Forwarded-Proto), and always in production. */
  private cookieOptions(req: Request) {
    return {
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: req.secure || this.config.nodeEnv === 'production',
      path: ADMIN_COOKIE_PATH,
    };
  }
}

/**
 * Login CSRF defence of the sign-in form (OWASP: verify the origin with standard headers). A
 * browser sends `Origin` on every form POST; when it names another site than the one the request
 * reached, the post is refused (403). Without `Origin`, a `Referer` is checked the same way; with
 * neither, the caller is not a browser posting across sites (curl, scripts) and is let through —
 * a forged cross-site post always carries one of them (`Referrer-Policy` may strip the path,
 * never the `Origin`).
 */
export function refuseCrossOrigin(req: Request): void {
  const host = req.get('host');
  const origin = req.get('origin');
  const referer = req.get('referer');
  const claimed = origin ?? referer;
  if (claimed === undefined) return;
  let claimedHost: string | null;
  try {
    claimedHost = claimed === 'null' ? null : new URL(claimed).host;
  } catch {
    claimedHost = null;
  }
  if (host === undefined || claimedHost !== host) {
    throw new DomainError('forbidden', 'Cross-origin sign-in forms are refused', { reason: 'cross-origin' });
  }
}

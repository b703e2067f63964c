import type { CookieOptions, Request, Response } from 'express';
import { DomainError } from '@chairtime/domain';

/**
 * The browser session (the web app): the refresh token lives in an HttpOnly, SameSite=Strict
 * cookie that goes back only to the auth routes, so page scripts never hold it; the access token
 * stays in the page's memory. API clients keep using the body token; the cookie is used only when
 * the request asks for it with the {@link SESSION_HEADER}.
 */
export const REFRESH_COOKIE = 'chairtime_refresh';
export const REFRESH_COOKIE_PATH = '/v1/auth';

/**
 * CSRF guard of the cookie routes: a cross-site form or link cannot set a custom header, and a
 * cross-site script cannot send one without a CORS preflight this API refuses (no CORS origins by
 * default). SameSite=Strict keeps the cookie off cross-site requests too; this is the second lock.
 */
export const SESSION_HEADER = 'x-requested-with';
export const SESSION_HEADER_VALUE = 'chairtime';

/** Whether the caller asked for the cookie session (login) or presents it (refresh, logout). */
export function wantsCookieSession(req: Request): boolean {
  return req.headers[SESSION_HEADER] === SESSION_HEADER_VALUE;
}

/** The refresh cookie's value, if the request carries one. */
export function refreshCookie(req: Request): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(0, at).trim() !== REFRESH_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim()) || null;
    } catch {
      return null; // malformed escapes: no usable token
    }
  }
  return null;
}

/**
 * The refresh token of a cookie request, after the CSRF checks: the custom header, and an Origin
 * (browsers send it on POST) naming this site or a configured CORS origin. No cookie with the
 * header: 401, the browser has no session.
 */
export function cookieTokenOf(req: Request, corsOrigins: string[]): string {
  if (!wantsCookieSession(req)) {
    throw new DomainError('forbidden', `The session cookie is accepted only with the header X-Requested-With: ${SESSION_HEADER_VALUE}`, {
      reason: 'csrf',
    });
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}` && !corsOrigins.includes(origin)) {
    throw new DomainError('forbidden', 'The request comes from another site', { reason: 'csrf' });
  }
  const token = refreshCookie(req);
  if (!token) throw new DomainError('unauthorized', 'No session: sign in', { reason: 'not-signed-in' });
  return token;
}

function cookieOptions(req: Request): CookieOptions {
  // req.secure follows X-Forwarded-Proto from a loopback proxy ('trust proxy' in configure-app).
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: REFRESH_COOKIE_PATH };
}

export function setRefreshCookie(req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(REFRESH_COOKIE, token, { ...cookieOptions(req), maxAge: maxAgeSeconds * 1000 });
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions(req));
}

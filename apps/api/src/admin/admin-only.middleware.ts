import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { auditDenied, bearerToken, Role, TokenService } from '@chairtime/identity';
import { domainProblem, wwwAuthenticate } from '../http/problem.filter';

/** The cookie a browser's admin session keeps its access token in (see AdminSessionController). */
export const ADMIN_COOKIE = 'chairtime_admin';
/** The cookie goes back only to the admin pages. */
export const ADMIN_COOKIE_PATH = '/admin';

/** The admin session cookie's value, if the request carries one. */
export function adminCookie(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(0, at).trim() !== ADMIN_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return null; // malformed escapes: no usable token
    }
  }
  return null;
}

/**
 * Express middleware that admits only an admin's access token, from an `Authorization: Bearer`
 * header or from the admin session cookie a browser got at `/admin/login`. It exists because the global
 * AccessGuard never sees Bull Board: the board is an Express router mounted as Nest middleware,
 * and guards run only for controller routes — without this the dashboard (which can retry and
 * delete jobs) would be open to anyone. Refusals are problem+json like every other error, and a
 * signed-in non-admin is audited as the guard audits a role refusal.
 */
export function adminOnly(tokens: TokenService, audit: AuditService) {
  return async (req: Request & { id?: string }, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    const bearer = bearerToken(header) ?? adminCookie(req.headers.cookie);
    const principal = bearer ? await tokens.verifyAccess(bearer) : null;
    if (principal?.role === Role.Admin) return next();
    let refusal: DomainError;
    if (!principal) {
      refusal = bearer
        ? new DomainError('unauthorized', 'The access token is invalid or expired', { reason: 'invalid-token' })
        : new DomainError('unauthorized', 'Sign in first', { reason: 'not-signed-in' });
    } else {
      refusal = new DomainError('forbidden', 'Your role cannot do this', { reason: 'role' });
      await auditDenied(audit, principal, req.id ?? null, `${req.method} /admin/queues (role)`);
    }
    const body = domainProblem(refusal);
    if (body.status === 401) res.setHeader('WWW-Authenticate', wwwAuthenticate(body.reason === 'invalid-token'));
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  };
}

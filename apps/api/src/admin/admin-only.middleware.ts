import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { Role, TokenService } from '@chairtime/identity';
import { domainProblem } from '../http/problem.filter';

/**
 * Express middleware that admits only an admin's access token. It exists because the global
 * AccessGuard never sees Bull Board: the board is an Express router mounted as Nest middleware,
 * and guards run only for controller routes — without this the dashboard (which can retry and
 * delete jobs) would be open to anyone. Refusals are problem+json like every other error, and a
 * signed-in non-admin is audited as the guard audits a role refusal.
 */
export function adminOnly(tokens: TokenService, audit: AuditService) {
  return async (req: Request & { id?: string }, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const principal = bearer ? await tokens.verifyAccess(bearer) : null;
    if (principal?.role === Role.Admin) return next();
    let refusal: DomainError;
    if (!principal) {
      refusal = bearer
        ? new DomainError('unauthorized', 'The access token is invalid or expired', { reason: 'invalid-token' })
        : new DomainError('unauthorized', 'Sign in first', { reason: 'not-signed-in' });
    } else {
      refusal = new DomainError('forbidden', 'Your role cannot do this', { reason: 'role' });
      await audit.record({
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'authz.denied',
        resourceType: 'route',
        resourceId: null,
        clinicId: null,
        requestId: req.id ?? null,
        outcome: 'denied',
        detail: `${req.method} /admin/queues (role)`,
      });
    }
    const body = domainProblem(refusal);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  };
}

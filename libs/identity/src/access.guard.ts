import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { ACCESS_RULE, AccessRule, Role } from './access.decorators';
import { Principal } from './principal';
import { TokenService } from './token.service';
import { bearerToken } from './bearer';

export type AuthedRequest = Request & { principal?: Principal | null; id?: string };

/**
 * Default-deny: a route without an access rule is refused (and a test walks the router to make
 * sure none exists). Public routes pass; role routes need a valid access token whose role is
 * listed (admin always is). Tenant and patient scope are checked by services on the resource.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [ctx.getHandler(), ctx.getClass()]);
    const header = req.headers.authorization;
    const bearer = bearerToken(header);
    const principal = bearer ? await this.tokens.verifyAccess(bearer) : null;
    req.principal = principal;

    if (!rule) {
      await this.deny(req, principal, 'no-rule');
      throw new DomainError('forbidden', 'This route has no access rule', { reason: 'no-rule' });
    }
    if (rule.kind === 'public') return true;
    if (bearer && !principal) {
      await this.deny(req, null, 'invalid-token');
      throw new DomainError('unauthorized', 'The access token is invalid or expired', { reason: 'invalid-token' });
    }
    if (!principal) throw new DomainError('unauthorized', 'Sign in first', { reason: 'not-signed-in' });
    if (principal.role === Role.Admin || rule.roles.includes(principal.role)) return true;
    await this.deny(req, principal, 'role');
    throw new DomainError('forbidden', 'Your role cannot do this', { reason: 'role' });
  }

  private deny(req: AuthedRequest, principal: Principal | null, why: string): Promise<void> {
    return auditDenied(this.audit, principal, req.id ?? null, `${req.method} ${req.route?.path ?? '?'} (${why})`);
  }
}

/**
 * The audit row of a refused request (`authz.denied`), wherever the refusal happens: this guard,
 * and the admin pages outside it. `detail` names the route and why, e.g. `GET /admin/queues (role)`.
 */
export function auditDenied(audit: AuditService, principal: Principal | null, requestId: string | null, detail: string): Promise<void> {
  return audit.record({
    actorId: principal?.userId ?? null,
    actorRole: principal?.role ?? 'anonymous',
    action: 'authz.denied',
    resourceType: 'route',
    resourceId: null,
    clinicId: null,
    requestId,
    outcome: 'denied',
    detail,
  });
}

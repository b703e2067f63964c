import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AuditOutcome, AuditService } from '@chairtime/audit';
import { DomainError } from '@chairtime/domain';
import type { AuthedRequest } from './access.guard';

export const AUDIT_READ = 'chairtime:audit-read';

/** What {@link AuditRead} records about a route. */
export interface AuditReadRule {
  resourceType: string;
  /** Route param holding the resource id; null for list routes. */
  idParam: string | null;
}

/**
 * Marks a route that reads patient data: every call leaves an audit row `<resourceType>.read`
 * with the id from route param `idParam` and the outcome (success, not-found, denied, failure).
 * The clinic and patient are taken from the response when it carries `clinicId` / `patientId`
 * (and for resource type 'patient' the resource id is the patient), so handlers need no code.
 *
 * @example `@Get(':id') @Roles(Role.Nurse) @AuditRead('patient', 'id') get(...)`
 */
export const AuditRead = (resourceType: string, idParam: string | null = 'id'): MethodDecorator =>
  // The interceptor is bound to the marked route itself rather than globally: on every other route
  // a global one only passed the handler through, yet cost each request an Observable pipeline.
  applyDecorators(SetMetadata(AUDIT_READ, { resourceType, idParam } satisfies AuditReadRule), UseInterceptors(AuditReadInterceptor));

/** Writes the audit row of the route it is bound to by {@link AuditRead}. */
@Injectable()
export class AuditReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = ctx.getType() === 'http' ? this.reflector.get<AuditReadRule | undefined>(AUDIT_READ, ctx.getHandler()) : undefined;
    if (!rule) return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    return from(this.run(rule, req, next));
  }

  private async run(rule: AuditReadRule, req: AuthedRequest, next: CallHandler): Promise<unknown> {
    const rawId = rule.idParam ? req.params?.[rule.idParam] : undefined;
    const resourceId = typeof rawId === 'string' ? rawId : null;
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.write(rule, req, resourceId, 'success', body);
      return body;
    } catch (e) {
      await this.write(rule, req, resourceId, outcomeOf(e), undefined);
      throw e;
    }
  }

  private async write(
    rule: AuditReadRule,
    req: AuthedRequest,
    resourceId: string | null,
    outcome: AuditOutcome,
    body: unknown,
  ): Promise<void> {
    const p = req.principal ?? null;
    const facts = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const uuid = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : null);
    const patientId = uuid(facts.patientId) ?? (rule.resourceType === 'patient' && outcome === 'success' ? uuid(resourceId) : null);
    await this.audit.record({
      actorId: p?.userId ?? null,
      actorRole: p?.role ?? 'anonymous',
      action: `${rule.resourceType}.read`,
      resourceType: rule.resourceType,
      resourceId,
      clinicId: uuid(facts.clinicId),
      patientId,
      requestId: req.id ?? null,
      outcome,
      detail: `${req.method} ${req.route?.path ?? '?'}`,
    });
  }
}

function outcomeOf(e: unknown): AuditOutcome {
  if (e instanceof DomainError) {
    if (e.code === 'not-found') return 'not-found';
    if (e.code === 'forbidden' || e.code === 'unauthorized') return 'denied';
  }
  return 'failure';
}

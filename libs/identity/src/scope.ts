import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@chairtime/domain';
import { Role } from './access.decorators';
import { Principal } from './principal';

/** The authenticated caller (set by the AccessGuard); undefined on public routes without a token. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal ?? undefined;
});

/** The request id, for audit rows and correlation. */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  return ctx.switchToHttp().getRequest<{ id?: string }>().id ?? null;
});

/** Admin anywhere; staff and patients only in their clinics. */
export function canAccessClinic(p: Principal, clinicId: string): boolean {
  return p.role === Role.Admin || p.clinicIds.includes(clinicId);
}

/**
 * Refuses a clinic outside the caller's scope as "not found": another tenant's resources must be
 * indistinguishable from missing ones (no 403 that confirms they exist).
 */
export function assertClinicScope(p: Principal, clinicId: string, what = 'Clinic'): void {
  if (!canAccessClinic(p, clinicId)) throw new DomainError('not-found', `${what} not found`);
}

/** Patients reach only their own records; staff reach the patients of their clinics. */
export function assertPatientScope(p: Principal, patient: { id: string; clinicId: string }, what = 'Patient'): void {
  if (p.role === Role.Patient) {
    if (p.patientId !== patient.id) throw new DomainError('not-found', `${what} not found`);
    return;
  }
  assertClinicScope(p, patient.clinicId, what);
}

/** Staff-only operations inside a clinic (patients get 404 too: the route shape is public, the data is not). */
export function isStaff(p: Principal): boolean {
  return p.role === Role.Scheduler || p.role === Role.Nurse || p.role === Role.Clinician || p.role === Role.Admin;
}

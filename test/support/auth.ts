import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal, Role, TokenService } from '@chairtime/identity';

/**
 * An Authorization header for a principal, signed by the running app's own TokenService (the
 * same secret and claims as a real login). For tests of features, not of login itself.
 */
export function bearer(app: INestApplication, p: Partial<Principal> & { role: Role }): { Authorization: string } {
  const principal: Principal = {
    userId: p.userId ?? randomUUID(),
    role: p.role,
    clinicIds: p.clinicIds ?? [],
    patientId: p.patientId ?? null,
  };
  return { Authorization: `Bearer ${app.get(TokenService).signAccess(principal).accessToken}` };
}

export const asAdmin = (app: INestApplication) => bearer(app, { role: Role.Admin });
export const asStaff = (app: INestApplication, role: Role.Scheduler | Role.Nurse | Role.Clinician, clinicId: string) =>
  bearer(app, { role, clinicIds: [clinicId] });
export const asPatient = (app: INestApplication, patientId: string, clinicId: string) =>
  bearer(app, { role: Role.Patient, patientId, clinicIds: [clinicId] });

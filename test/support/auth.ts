import { INestApplication, Type } from '@nestjs/common';
import { TestingModuleBuilder } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CurrentUser, PasswordService, Principal, Role, TokenService, UserDirectory } from '@chairtime/identity';

/**
 * Principals minted by {@link bearer} in this test file, by user id. The API resolves every
 * token's user in the database (UserDirectory); feature tests mint tokens for users that were
 * never stored, so the test apps consult this first ({@link MintedUsersFirst}). Tokens of any
 * other user id — forged ones included — go to the database as in production.
 */
const minted = new Map<string, CurrentUser>();

/**
 * The directory of the test apps: users minted here first (uncached: a test may mint the same
 * user id again with other clinics), then the database, cached as in production.
 */
export class MintedUsersFirst extends UserDirectory {
  override current(userId: string): Promise<CurrentUser | null> {
    const known = minted.get(userId);
    return known ? Promise.resolve(known) : super.current(userId);
  }
}

/** Installs {@link MintedUsersFirst} in a test app of the API. */
export function withMintedUsers(builder: TestingModuleBuilder): TestingModuleBuilder {
  return builder.overrideProvider(UserDirectory).useClass(MintedUsersFirst as Type<UserDirectory>);
}

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
  minted.set(principal.userId, { role: principal.role, clinicIds: principal.clinicIds, patientId: principal.patientId });
  return { Authorization: `Bearer ${app.get(TokenService).signAccess(principal).accessToken}` };
}

/**
 * A user stored in the database with this role and clinics, and a bearer header for it: for API
 * processes outside the test's own (benchmarks), which resolve users in the database only.
 */
export async function storedBearer(
  app: INestApplication,
  p: { role: Role; clinicIds?: string[]; patientId?: string | null },
): Promise<{ Authorization: string }> {
  const ds = app.get(DataSource);
  const userId = randomUUID();
  await ds.query(`INSERT INTO app_user (id, email, password_hash, role, patient_id) VALUES ($1, $2, $3, $4, $5)`, [
    userId,
    `${p.role}-${userId}@bench.chairtime.dev`,
    await new PasswordService().hash(randomUUID()),
    p.role,
    p.patientId ?? null,
  ]);
  for (const clinicId of p.clinicIds ?? [])
    await ds.query(`INSERT INTO user_clinic (user_id, clinic_id) VALUES ($1, $2)`, [userId, clinicId]);
  return bearer(app, { ...p, userId });
}

export const asAdmin = (app: INestApplication) => bearer(app, { role: Role.Admin });
export const asStaff = (app: INestApplication, role: Role.Scheduler | Role.Nurse | Role.Clinician, clinicId: string) =>
  bearer(app, { role, clinicIds: [clinicId] });
export const asPatient = (app: INestApplication, patientId: string, clinicId: string) =>
  bearer(app, { role: Role.Patient, patientId, clinicIds: [clinicId] });

import { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { loadConfig } from '@chairtime/config';
import { Clinic, DEFAULT_CLINIC_SETTINGS } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { AppUser, UserClinic, UserRole } from '@chairtime/identity/entities';
import { PasswordService } from '@chairtime/identity';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http/configure-app';
import { withMintedUsers } from './auth';

/**
 * The real API (as `startApi()`), optionally with extra controllers mounted (probe routes that
 * exercise identity features) and the clock replaced.
 */
export async function startIdentityApi(
  opts: { env?: Record<string, string>; controllers?: Type[]; clock?: Clock } = {},
): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, opts.env ?? {});
  try {
    let builder = withMintedUsers(Test.createTestingModule({ imports: [ApiModule], controllers: opts.controllers ?? [] }));
    if (opts.clock) builder = builder.overrideProvider(CLOCK).useValue(opts.clock);
    const app = (await builder.compile()).createNestApplication({ bufferLogs: true });
    configureHttpApp(app, loadConfig());
    await app.init();
    return app;
  } finally {
    process.env = saved;
  }
}

export async function newClinic(ds: DataSource): Promise<Clinic> {
  return ds
    .getRepository(Clinic)
    .save({ name: `Identity ${randomUUID().slice(0, 8)}`, timezone: 'America/New_York', settings: { ...DEFAULT_CLINIC_SETTINGS } });
}

export async function newPatient(ds: DataSource, clinicId: string): Promise<Patient> {
  return ds.getRepository(Patient).save({
    clinicId,
    givenName: 'Test',
    familyName: `Patient ${randomUUID().slice(0, 6)}`,
    birthDate: '1980-01-01',
    email: null,
    phone: null,
    timezone: null,
    contactPreference: 'email',
    consent: { sms: false, email: false },
    rideContacts: [],
  });
}

/** A unique throwaway email (tests share one database). */
export const uniqueEmail = (prefix = 'user'): string => `${prefix}-${randomUUID().slice(0, 12)}@test.chairtime.dev`;

/** A user stored directly (bypassing the API) with a real argon2id hash. */
export async function newUser(
  ds: DataSource,
  o: { role: UserRole; password?: string; email?: string; clinicIds?: string[]; patientId?: string | null },
): Promise<{ id: string; email: string; password: string }> {
  const password = o.password ?? 'correct horse battery staple';
  const email = o.email ?? uniqueEmail(o.role);
  const user = await ds.getRepository(AppUser).save({
    email,
    passwordHash: await new PasswordService().hash(password),
    role: o.role,
    patientId: o.patientId ?? null,
    disabled: false,
  });
  if (o.clinicIds?.length) await ds.getRepository(UserClinic).insert(o.clinicIds.map((clinicId) => ({ userId: user.id, clinicId })));
  return { id: user.id, email, password };
}

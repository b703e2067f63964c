import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@chairtime/config';
import { CLOCK, Clock } from '@chairtime/domain';
import { Appointment, Clinic, ClinicSettings, DEFAULT_CLINIC_SETTINGS, VisitKind } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http/configure-app';
import { withMintedUsers } from './auth';

/** The real API module as `startApi()` boots it, with CLOCK replaced so tests freeze and advance time. */
export async function startClinicalApi(clock: Clock): Promise<INestApplication> {
  const moduleRef = await withMintedUsers(Test.createTestingModule({ imports: [ApiModule] }))
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, loadConfig());
  await app.init();
  return app;
}

/** A clinic with default settings (override any); no chairs or hours: day-of tests insert rows directly. */
export async function newClinic(ds: DataSource, settings: Partial<ClinicSettings> = {}, timezone = 'America/New_York'): Promise<Clinic> {
  return ds.getRepository(Clinic).save({
    name: `Clinic ${randomUUID().slice(0, 8)}`,
    timezone,
    settings: { ...DEFAULT_CLINIC_SETTINGS, remsCertified: true, ...settings },
  });
}

/** A patient of `clinicId` with synthetic (non-real) contact data. */
export async function newPatient(ds: DataSource, clinicId: string, over: Partial<Patient> = {}): Promise<Patient> {
  return ds.getRepository(Patient).save({
    clinicId,
    givenName: 'Test',
    familyName: `Patient-${randomUUID().slice(0, 6)}`,
    birthDate: '1980-01-01',
    email: null,
    phone: '+15550000001',
    timezone: null,
    contactPreference: 'sms',
    consent: { sms: true, email: false },
    rideContacts: [],
    ...over,
  });
}

/**
 * Inserts an appointment row without the booking service, with the range columns the CHECK
 * constraints demand. Times follow the visit kind (prep 15 min, then treatment + recovery, then
 * 15 min turnover); no chair, so the chair exclusion does not apply.
 */
export async function newAppointment(
  ds: DataSource,
  o: { clinicId: string; patientId: string; kind?: string; startsAt: Date; status?: Appointment['status'] },
): Promise<Appointment> {
  const kind = await ds.getRepository(VisitKind).findOneByOrFail({ key: o.kind ?? 'iv-infusion' });
  const start = o.startsAt.getTime();
  const end = new Date(start + (15 + kind.treatmentMinutes + kind.recoveryMinutes) * 60_000);
  const released = new Date(end.getTime() + 15 * 60_000);
  const rows = (await ds.query(
    `INSERT INTO appointment (clinic_id, patient_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status)
     VALUES ($1, $2, $3, $4, $5, $6, tstzrange($4, $6, '[)'), tstzrange($4, $5, '[)'), $7) RETURNING id`,
    [o.clinicId, o.patientId, kind.key, o.startsAt, end, released, o.status ?? 'booked'],
  )) as { id: string }[];
  return ds.getRepository(Appointment).findOneByOrFail({ id: rows[0].id });
}

/** Row count of a table, for "nothing was written" assertions. */
export async function countRows(ds: DataSource, table: string): Promise<number> {
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
  return n;
}

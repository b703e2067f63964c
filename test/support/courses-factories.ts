import { startApi } from './api-app';
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addDays, Clock, localDateRange, localToInstant } from '@chairtime/domain';
import { Chair, Clinic, ClinicSettings, DEFAULT_CLINIC_SETTINGS, OpeningHours, StaffShift } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';

/** The real API (see `startApi`) with a test clock. */
export function startCoursesApi(clock: Clock, env: Record<string, string> = {}): Promise<INestApplication> {
  return startApi(env, clock);
}

export interface ClinicOptions {
  zone?: string;
  chairs?: number;
  /** Nurses on shift every open day: bounds patients in chairs and simultaneous starts. */
  nurses?: number;
  fromDate: string;
  days: number;
  opens?: string;
  closes?: string;
  settings?: Partial<ClinicSettings>;
}

export interface TestClinic {
  id: string;
  zone: string;
  chairIds: string[];
}

/** A clinic open every day `opens`–`closes`, with chairs for every chair kind and nurses on shift. */
export async function newClinic(ds: DataSource, o: ClinicOptions): Promise<TestClinic> {
  const zone = o.zone ?? 'America/New_York';
  const opens = o.opens ?? '08:00';
  const closes = o.closes ?? '20:00';
  const clinic = await ds.getRepository(Clinic).save({
    name: `Clinic ${randomUUID().slice(0, 8)}`,
    timezone: zone,
    settings: { ...DEFAULT_CLINIC_SETTINGS, requireScreeningApproval: false, remsCertified: true, ...o.settings },
  });
  await ds.getRepository(OpeningHours).insert([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, opens, closes })));
  const chairs = await ds.getRepository(Chair).save(
    Array.from({ length: o.chairs ?? 4 }, (_, i) => ({
      clinicId: clinic.id,
      name: `Chair ${String(i + 1).padStart(2, '0')}`,
      capabilities: ['iv-infusion', 'im-injection', 'spravato', 'lozenge'],
      active: true,
    })),
  );
  const shifts: Partial<StaffShift>[] = [];
  for (const date of localDateRange(o.fromDate, addDays(o.fromDate, o.days))) {
    for (let n = 0; n < (o.nurses ?? 4); n++) {
      shifts.push({
        clinicId: clinic.id,
        role: 'nurse',
        startsAt: new Date(localToInstant(date, opens, zone)),
        endsAt: new Date(closes === '24:00' ? localToInstant(addDays(date, 1), '00:00', zone) : localToInstant(date, closes, zone)),
        name: null,
      });
    }
  }
  for (let i = 0; i < shifts.length; i += 1000) await ds.getRepository(StaffShift).insert(shifts.slice(i, i + 1000));
  return { id: clinic.id, zone, chairIds: chairs.map((c) => c.id).sort() };
}

/** A patient of the clinic (synthetic data only). */
export async function newPatient(ds: DataSource, clinicId: string, o: { rems?: boolean } = {}): Promise<string> {
  const p = await ds.getRepository(Patient).save({
    clinicId,
    givenName: 'Test',
    familyName: `Patient ${randomUUID().slice(0, 8)}`,
    birthDate: '1980-01-01',
    email: null,
    phone: null,
    timezone: null,
    contactPreference: 'email' as const,
    consent: { sms: false, email: true },
    rideContacts: [],
    remsEnrollmentId: o.rems ? `REMS-${randomUUID().slice(0, 8)}` : null,
    remsEnrolledOn: o.rems ? '2027-01-01' : null,
  });
  return p.id;
}

/** A clinic-local instant as an ISO string. */
export const localIso = (date: string, time: string, zone: string): string => new Date(localToInstant(date, time, zone)).toISOString();

/** Six IV-induction starts at `time` on Mon/Wed/Fri of two weeks from `monday` (valid by the v1 rules). */
export function inductionStarts(monday: string, time: string, zone: string): string[] {
  return [0, 2, 4, 7, 9, 11].map((d) => localIso(addDays(monday, d), time, zone));
}

import { startApi } from './api-app';
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addDays, Clock, localDateRange, localToInstant } from '@chairtime/domain';
import { Chair, Clinic, ClinicSettings, DEFAULT_CLINIC_SETTINGS, OpeningHours, StaffShift } from '@chairtime/scheduling/entities';

/** The real API (see `startApi`) with a test clock. */
export function startSchedulingApi(clock: Clock, env: Record<string, string> = {}): Promise<INestApplication> {
  return startApi(env, clock);
}

export interface SchedClinicOptions {
  zone?: string;
  chairs?: number;
  nurses?: number;
  clinicians?: number;
  fromDate: string;
  days: number;
  opens?: string;
  closes?: string;
  capabilities?: string[];
  settings?: Partial<ClinicSettings>;
}

export interface SchedClinic {
  id: string;
  zone: string;
  chairIds: string[];
}

/** A clinic open every day `opens`–`closes` with chairs, nurses and clinicians on shift for each day. */
export async function seedClinic(ds: DataSource, o: SchedClinicOptions): Promise<SchedClinic> {
  const zone = o.zone ?? 'America/New_York';
  const opens = o.opens ?? '08:00';
  const closes = o.closes ?? '20:00';
  const clinic = await ds.getRepository(Clinic).save({
    name: `Sched ${randomUUID().slice(0, 8)}`,
    timezone: zone,
    // Certified for Spravato and without screening approval, explicitly: these clinics test capacity,
    // and the gates of a treatment visit (REMS, screening) have their own tests.
    settings: { ...DEFAULT_CLINIC_SETTINGS, remsCertified: true, requireScreeningApproval: false, ...o.settings },
  });
  await ds.getRepository(OpeningHours).insert([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, opens, closes })));
  const chairs = await ds.getRepository(Chair).save(
    Array.from({ length: o.chairs ?? 4 }, (_, i) => ({
      clinicId: clinic.id,
      name: `Chair ${String(i + 1).padStart(2, '0')}`,
      capabilities: o.capabilities ?? ['iv-infusion', 'im-injection', 'spravato', 'lozenge'],
      active: true,
    })),
  );
  const shifts: Partial<StaffShift>[] = [];
  for (const date of localDateRange(o.fromDate, addDays(o.fromDate, o.days))) {
    const startsAt = new Date(localToInstant(date, opens, zone));
    const endsAt =
      closes === '24:00' ? new Date(localToInstant(addDays(date, 1), '00:00', zone)) : new Date(localToInstant(date, closes, zone));
    for (let n = 0; n < (o.nurses ?? 4); n++) shifts.push({ clinicId: clinic.id, role: 'nurse', startsAt, endsAt, name: null });
    for (let n = 0; n < (o.clinicians ?? 1); n++) shifts.push({ clinicId: clinic.id, role: 'clinician', startsAt, endsAt, name: null });
  }
  for (let i = 0; i < shifts.length; i += 1000) await ds.getRepository(StaffShift).insert(shifts.slice(i, i + 1000));
  return { id: clinic.id, zone, chairIds: chairs.map((c) => c.id).sort() };
}

/** A synthetic patient of the clinic, inserted directly (the patient API is another area's). */
export async function seedPatient(ds: DataSource, clinicId: string): Promise<string> {
  const [row] = await ds.query<{ id: string }[]>(
    `INSERT INTO patient (clinic_id, given_name, family_name, birth_date, contact_preference, consent)
     VALUES ($1, 'Test', $2, '1980-01-01', 'email', '{"sms": false, "email": true}') RETURNING id`,
    [clinicId, `Patient ${randomUUID().slice(0, 8)}`],
  );
  return row.id;
}

/** A clinic-local instant as a UTC ISO string. */
export const at = (date: string, time: string, zone = 'America/New_York'): string =>
  new Date(localToInstant(date, time, zone)).toISOString();

/** Rows in a table matching a clinic (for "nothing was written" assertions). */
export async function countRows(
  ds: DataSource,
  table: 'appointment' | 'chair' | 'closure' | 'opening_hours' | 'staff_shift' | 'clinic',
  clinicId?: string,
): Promise<number> {
  const where = clinicId === undefined ? '' : table === 'clinic' ? ' WHERE id = $1' : ' WHERE clinic_id = $1';
  const [row] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}${where}`, clinicId === undefined ? [] : [clinicId]);
  return Number(row.n);
}

import { DateTime } from 'luxon';
import { EntityManager } from 'typeorm';
import { Clock } from '@chairtime/domain';
import { Chair, Clinic, DEFAULT_CLINIC_SETTINGS, OpeningHours, StaffShift } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { seedDemoDay } from './seed-demo-day';

export const DEMO_CLINIC_NAME = 'Chairtime Demo Clinic';
const ZONE = 'America/New_York';
const SHIFT_DAYS = 28;

/** ISO weekday (1 = Monday) → local opening interval. */
const HOURS: Record<number, { opens: string; closes: string }> = {
  1: { opens: '07:00', closes: '19:00' },
  2: { opens: '07:00', closes: '19:00' },
  3: { opens: '07:00', closes: '19:00' },
  4: { opens: '07:00', closes: '19:00' },
  5: { opens: '07:00', closes: '19:00' },
  6: { opens: '08:00', closes: '14:00' },
};

const CHAIRS: { name: string; capabilities: string[] }[] = [
  ...[1, 2, 3, 4].map((n) => ({ name: `Infusion ${n}`, capabilities: ['iv-infusion', 'im-injection'] })),
  ...[1, 2].map((n) => ({ name: `Spravato ${n}`, capabilities: ['spravato', 'iv-infusion'] })),
];

/**
 * The demo clinic (found by name, created once): hours, six chairs, a demo patient record, and two
 * nurses and a clinician on every open day of the four weeks from today — topped up on every run,
 * so a demo started a month later still has staff — and {@link seedDemoDay}'s working day.
 * Fictional data only.
 */
export async function seedDemoClinic(
  em: EntityManager,
  clock: Clock,
): Promise<{ created: boolean; clinicId: string; clinicName: string; patientId: string; day: string | null }> {
  let clinic = await em.findOne(Clinic, { where: { name: DEMO_CLINIC_NAME } });
  const created = !clinic;
  if (!clinic) {
    // A new clinic is not REMS-certified until an admin says so; the demo clinic is, so Spravato can be tried.
    clinic = await em.save(
      em.create(Clinic, { name: DEMO_CLINIC_NAME, timezone: ZONE, settings: { ...DEFAULT_CLINIC_SETTINGS, remsCertified: true } }),
    );
    await em.insert(
      OpeningHours,
      Object.entries(HOURS).map(([weekday, h]) => ({ clinicId: clinic!.id, weekday: Number(weekday), ...h })),
    );
    await em.insert(
      Chair,
      CHAIRS.map((c) => ({ clinicId: clinic!.id, name: c.name, capabilities: c.capabilities, active: true })),
    );
  }
  await ensureShifts(em, clinic.id, clinic.timezone, clock);
  const patient = await em.findOne(Patient, { where: { clinicId: clinic.id, email: 'patient@demo.chairtime.dev' } });
  const patientId = patient?.id ?? (await insertDemoPatient(em, clinic.id));
  const day = await seedDemoDay(em, clock, clinic.id, HOURS);
  return { created, clinicId: clinic.id, clinicName: clinic.name, patientId, day };
}

/** Two nurses and a clinician for every open day of the next {@link SHIFT_DAYS} that has none. */
async function ensureShifts(em: EntityManager, clinicId: string, zone: string, clock: Clock): Promise<void> {
  const today = DateTime.fromMillis(clock.now(), { zone }).startOf('day');
  const staffed = new Set(
    (
      await em.query<{ day: string }[]>(
        `SELECT DISTINCT to_char(starts_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day FROM staff_shift
          WHERE clinic_id = $1 AND role = 'nurse' AND starts_at >= $2`,
        [clinicId, today.toJSDate(), zone],
      )
    ).map((r) => r.day),
  );
  const shifts: Partial<StaffShift>[] = [];
  for (let d = 0; d < SHIFT_DAYS; d++) {
    const day = today.plus({ days: d });
    const h = HOURS[day.weekday];
    if (!h || staffed.has(day.toISODate() as string)) continue;
    const at = (hhmm: string): Date => {
      const [hour, minute] = hhmm.split(':').map(Number);
      return day.set({ hour, minute }).toJSDate();
    };
    const span = { startsAt: at(h.opens), endsAt: at(h.closes) };
    shifts.push({ clinicId, role: 'nurse', name: 'Demo Nurse A', ...span });
    shifts.push({ clinicId, role: 'nurse', name: 'Demo Nurse B', ...span });
    shifts.push({ clinicId, role: 'clinician', name: 'Demo Clinician', ...span });
  }
  if (shifts.length) await em.insert(StaffShift, shifts);
}

async function insertDemoPatient(em: EntityManager, clinicId: string): Promise<string> {
  const p = await em.save(
    em.create(Patient, {
      clinicId,
      givenName: 'Demo',
      familyName: 'Patient',
      birthDate: '1985-04-12',
      email: 'patient@demo.chairtime.dev',
      phone: null,
      timezone: null,
      contactPreference: 'email',
      consent: { sms: false, email: true },
      rideContacts: [],
    }),
  );
  return p.id;
}

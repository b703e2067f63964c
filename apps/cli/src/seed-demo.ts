import { DateTime } from 'luxon';
import { EntityManager } from 'typeorm';
import { Clock } from '@chairtime/domain';
import { Chair, Clinic, DEFAULT_CLINIC_SETTINGS, OpeningHours, StaffShift } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';

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
 * The demo clinic (found by name, created once): hours, six chairs, two nurses and a clinician on
 * every open day of the next four weeks, and a demo patient record. Fictional data only.
 */
export async function seedDemoClinic(
  em: EntityManager,
  clock: Clock,
): Promise<{ created: boolean; clinicId: string; clinicName: string; patientId: string }> {
  const existing = await em.findOne(Clinic, { where: { name: DEMO_CLINIC_NAME } });
  if (existing) {
    const patient = await em.findOne(Patient, { where: { clinicId: existing.id, email: 'patient@demo.chairtime.dev' } });
    const patientId = patient?.id ?? (await insertDemoPatient(em, existing.id));
    return { created: false, clinicId: existing.id, clinicName: existing.name, patientId };
  }
  // A new clinic is not REMS-certified until an admin says so; the demo clinic is, so Spravato can be tried.
  const clinic = await em.save(
    em.create(Clinic, { name: DEMO_CLINIC_NAME, timezone: ZONE, settings: { ...DEFAULT_CLINIC_SETTINGS, remsCertified: true } }),
  );
  await em.insert(
    OpeningHours,
    Object.entries(HOURS).map(([weekday, h]) => ({ clinicId: clinic.id, weekday: Number(weekday), ...h })),
  );
  await em.insert(
    Chair,
    CHAIRS.map((c) => ({ clinicId: clinic.id, name: c.name, capabilities: c.capabilities, active: true })),
  );

  const shifts: Partial<StaffShift>[] = [];
  const today = DateTime.fromMillis(clock.now(), { zone: ZONE }).startOf('day');
  for (let d = 0; d < SHIFT_DAYS; d++) {
    const day = today.plus({ days: d });
    const h = HOURS[day.weekday];
    if (!h) continue;
    const at = (hhmm: string): Date => {
      const [hour, minute] = hhmm.split(':').map(Number);
      return day.set({ hour, minute }).toJSDate();
    };
    const span = { startsAt: at(h.opens), endsAt: at(h.closes) };
    shifts.push({ clinicId: clinic.id, role: 'nurse', name: 'Demo Nurse A', ...span });
    shifts.push({ clinicId: clinic.id, role: 'nurse', name: 'Demo Nurse B', ...span });
    shifts.push({ clinicId: clinic.id, role: 'clinician', name: 'Demo Clinician', ...span });
  }
  await em.insert(StaffShift, shifts);
  const patientId = await insertDemoPatient(em, clinic.id);
  return { created: true, clinicId: clinic.id, clinicName: clinic.name, patientId };
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

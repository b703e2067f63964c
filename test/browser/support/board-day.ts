import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { localToInstant } from '@chairtime/domain';
import { seedClinic, seedPatient } from '../../support/scheduling-factories';
import { newUser } from '../../support/identity-factories';

/** A clinic-local day the board tests look at (any date works; the tests navigate to it). */
export const BOARD_DATE = '2027-03-02';
export const ZONE = 'America/New_York';

export interface SeededVisit {
  id: string;
  patientId: string;
  chair: string;
  status: string;
  flags: string[];
}

/** A visit row on a chair at a clinic-local time (the board reads rows; booking rules are not under test here). */
async function visit(
  ds: DataSource,
  o: { clinicId: string; chairId: string; time: string; minutes: number; status: string; flags: string[]; kind?: string },
): Promise<{ id: string; patientId: string }> {
  const patientId = await seedPatient(ds, o.clinicId);
  const start = new Date(localToInstant(BOARD_DATE, o.time, ZONE));
  const end = new Date(start.getTime() + o.minutes * 60_000);
  const released = new Date(end.getTime() + 10 * 60_000);
  const [row] = (await ds.query(
    `INSERT INTO appointment (clinic_id, patient_id, chair_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, flags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, tstzrange($5, $7, '[)'), tstzrange($5, $6, '[)'), $8, $9) RETURNING id`,
    [o.clinicId, patientId, o.chairId, o.kind ?? 'iv-infusion', start, end, released, o.status, o.flags],
  )) as { id: string }[];
  return { id: row.id, patientId };
}

/**
 * A clinic open 08:00–18:00 with three active chairs and one retired, three visits on
 * {@link BOARD_DATE}, and a scheduler who signs in with a password.
 */
export async function seedBoardDay(ds: DataSource) {
  const clinic = await seedClinic(ds, { zone: ZONE, chairs: 3, fromDate: BOARD_DATE, days: 1, opens: '08:00', closes: '18:00' });
  await ds.query(`UPDATE clinic SET name = $2 WHERE id = $1`, [clinic.id, `Riverside ${randomUUID().slice(0, 4)}`]);
  await ds.query(`INSERT INTO chair (clinic_id, name, capabilities, active) VALUES ($1, 'Chair 99 retired', '{iv-infusion}', false)`, [
    clinic.id,
  ]);
  const [c1, c2] = clinic.chairIds;
  const names = Object.fromEntries(
    ((await ds.query(`SELECT id, name FROM chair WHERE clinic_id = $1`, [clinic.id])) as { id: string; name: string }[]).map((r) => [
      r.id,
      r.name,
    ]),
  );
  const specs = [
    { chairId: c1, time: '09:00', minutes: 80, status: 'booked', flags: ['ride-unconfirmed'] },
    { chairId: c2, time: '10:30', minutes: 80, status: 'checked-in', flags: ['attendance-confirmed'] },
    { chairId: c1, time: '13:00', minutes: 140, status: 'vitals-hold', flags: [], kind: 'spravato' },
  ];
  const visits: SeededVisit[] = [];
  for (const s of specs) {
    const v = await visit(ds, { clinicId: clinic.id, ...s });
    visits.push({ ...v, chair: names[s.chairId], status: s.status, flags: s.flags });
  }
  const [{ name }] = (await ds.query(`SELECT name FROM clinic WHERE id = $1`, [clinic.id])) as { name: string }[];
  const user = await newUser(ds, { role: 'scheduler', clinicIds: [clinic.id] });
  return { clinicId: clinic.id, clinicName: name, visits, user };
}

import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { at, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-03';
/** IV infusion here: 10 min prep + 40 treatment + 30 recovery = 80 min visit, + 10 min turnover = 90 min of chair. */
const SETTINGS = { prepMinutes: 10, turnoverMinutes: 10, slotMinutes: 30 };

/**
 * The booking path's capacity rules against real rows: a booking loads only the rows around each
 * visit's chair time (not whole days), so these place the other rows at the edges of that time —
 * a visit already under way, one that has just ended, one that starts during the new one, a nurse
 * shift that ends mid-visit, a chair block over part of the chair time.
 */
describe('booking capacity around a visit (real Postgres, frozen clock)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  const clinicWith = async (o: {
    nurses: number;
    nurseRatio: number;
  }): Promise<{ clinic: SchedClinic; sched: { Authorization: string } }> => {
    const clinic = await seedClinic(ds, {
      fromDate: DAY,
      days: 1,
      chairs: 3,
      nurses: o.nurses,
      settings: { ...SETTINGS, nurseRatio: o.nurseRatio },
    });
    return { clinic, sched: asStaff(app, Role.Scheduler, clinic.id) };
  };
  const book = async (c: { clinic: SchedClinic; sched: { Authorization: string } }, time: string, chair?: number) =>
    request(app.getHttpServer())
      .post('/v1/appointments')
      .set(c.sched)
      .send({
        patientId: await seedPatient(ds, c.clinic.id),
        clinicId: c.clinic.id,
        kind: 'iv-infusion',
        startsAt: at(DAY, time),
        ...(chair === undefined ? {} : { chairId: c.clinic.chairIds[chair] }),
      });
  const refusal = (res: request.Response): string | undefined =>
    res.status === 409 ? res.body.conflicts?.[0]?.reason : `HTTP ${res.status}`;

  it('a visit under way when the new one starts, or starting during it, takes nurse capacity; one that has ended does not', async () => {
    const c = await clinicWith({ nurses: 1, nurseRatio: 1 });
    expect((await book(c, '09:00', 0)).status).toBe(201); // present 09:00–10:20, chair until 10:30
    expect(refusal(await book(c, '10:00', 1))).toBe('nurse-capacity');
    expect((await book(c, '10:30', 1)).status).toBe(201); // present 10:30–11:50
    expect(refusal(await book(c, '10:00', 2))).toBe('nurse-capacity'); // 10:00–11:20 meets both
    expect(refusal(await book(c, '11:30', 2))).toBe('nurse-capacity');
    expect((await book(c, '12:00', 2)).status).toBe(201);
  });

  it('a visit that starts during the new one takes nurse capacity, though none is under way at its start', async () => {
    const c = await clinicWith({ nurses: 1, nurseRatio: 1 });
    expect((await book(c, '10:00', 0)).status).toBe(201);
    expect(refusal(await book(c, '09:00', 1))).toBe('nurse-capacity'); // 09:00–10:20
    expect((await book(c, '08:30', 1)).status).toBe(201); // 08:30–09:50, chair until 10:00
  });

  it('a nurse shift that ends during the visit does not cover it', async () => {
    const c = await clinicWith({ nurses: 0, nurseRatio: 2 });
    await ds.query(`INSERT INTO staff_shift (clinic_id, role, starts_at, ends_at) VALUES ($1, 'nurse', $2, $3)`, [
      c.clinic.id,
      at(DAY, '08:00'),
      at(DAY, '10:00'),
    ]);
    expect(refusal(await book(c, '09:00', 0))).toBe('nurse-capacity'); // would end 10:20
    expect((await book(c, '08:30', 0)).status).toBe(201); // ends 09:50
  });

  it('visits starting together are limited by the nurses on shift (stagger)', async () => {
    const c = await clinicWith({ nurses: 1, nurseRatio: 4 });
    expect((await book(c, '09:00', 0)).status).toBe(201);
    expect(refusal(await book(c, '09:00', 1))).toBe('stagger');
    expect((await book(c, '09:30', 1)).status).toBe(201);
  });

  it('a chair block over part of the chair time refuses that chair; without a chair asked, another is taken', async () => {
    const c = await clinicWith({ nurses: 3, nurseRatio: 4 });
    await ds.query(`INSERT INTO chair_block (clinic_id, chair_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, 'service')`, [
      c.clinic.id,
      c.clinic.chairIds[0],
      at(DAY, '10:00'),
      at(DAY, '11:00'),
    ]);
    expect(refusal(await book(c, '09:00', 0))).toBe('chair-blocked'); // chair time 09:00–10:30
    expect(refusal(await book(c, '10:30', 0))).toBe('chair-blocked');
    expect((await book(c, '11:00', 0)).status).toBe(201);
    const other = await book(c, '09:00');
    expect(other.status).toBe(201);
    expect(other.body.chairId).not.toBe(c.clinic.chairIds[0]);
  });
});

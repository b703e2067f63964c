import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DomainError, FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { pgCode } from '@chairtime/persistence';
import { BookingService } from '@chairtime/scheduling';
import { Clinic } from '@chairtime/scheduling/entities';
import { asStaff } from '../support/auth';
import { at, seedClinic, seedPatient, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-04';

describe('booking under concurrency (real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;

  beforeAll(async () => {
    app = await startSchedulingApi(new FixedClock(NOW));
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  const activeRows = async (clinicId: string): Promise<number> => {
    const [{ n }] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM appointment WHERE clinic_id = $1 AND status IN ('held', 'booked')`,
      [clinicId],
    );
    return Number(n);
  };

  it('50 concurrent bookings of one chair and start: one 201, 49 × 409, one row', async () => {
    const clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 2, nurses: 4 });
    const patients = await Promise.all(Array.from({ length: 50 }, () => seedPatient(ds, clinic.id)));
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const results = await Promise.all(
      patients.map((patientId) =>
        request(app.getHttpServer())
          .post('/v1/appointments')
          .set(auth)
          .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: at(DAY, '09:00'), chairId: clinic.chairIds[0] }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const conflict = results.find((r) => r.status === 409);
    expect(conflict?.body.conflicts[0].reason).toBe('chair-busy');
    expect(await activeRows(clinic.id)).toBe(1);
  });

  it('one nurse (ratio 4, stagger 1): concurrent bookings on different chairs never exceed capacity', async () => {
    const clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 6, nurses: 1 });
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const post = (chairId: string, time: string) =>
      seedPatient(ds, clinic.id).then((patientId) =>
        request(app.getHttpServer())
          .post('/v1/appointments')
          .set(auth)
          .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: at(DAY, time), chairId }),
      );
    // Same start on six chairs: the stagger lets one nurse start one patient per slot.
    const same = await Promise.all(clinic.chairIds.map((c) => post(c, '09:00')));
    expect(same.filter((r) => r.status === 201)).toHaveLength(1);
    expect(same.filter((r) => r.status === 409).every((r) => r.body.conflicts[0].reason === 'stagger')).toBe(true);
    // Staggered starts overlapping in time: at most four patients in chairs at once.
    const times = ['09:15', '09:30', '09:45', '10:00', '10:15'];
    const staggered = await Promise.all(times.map((t, i) => post(clinic.chairIds[i + 1], t)));
    expect(staggered.filter((r) => r.status === 201)).toHaveLength(3);
    expect(await activeRows(clinic.id)).toBe(4);
  });

  it('one nurse: 24 concurrent bookings at every quarter hour on 24 chairs keep at most 4 patients in chairs and one start a slot', async () => {
    const clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 24, nurses: 1 });
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const patients = await Promise.all(clinic.chairIds.map(() => seedPatient(ds, clinic.id)));
    // 08:00, 08:15, … 13:45: each visit's chair time overlaps its neighbours' by different amounts,
    // so the bookings share some 30-minute lock buckets and not others.
    const times = clinic.chairIds.map(
      (_, i) => `${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
    );
    const results = await Promise.all(
      clinic.chairIds.map((chairId, i) =>
        request(app.getHttpServer())
          .post('/v1/appointments')
          .set(auth)
          .send({ patientId: patients[i], clinicId: clinic.id, kind: 'iv-infusion', startsAt: at(DAY, times[i]), chairId }),
      ),
    );
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.conflicts[0].reason === 'nurse-capacity'))).toBe(true);
    const rows = await ds.query<{ s: Date; e: Date }[]>(
      `SELECT starts_at AS s, ends_at AS e FROM appointment WHERE clinic_id = $1 AND status = 'booked'`,
      [clinic.id],
    );
    expect(rows.length).toBe(results.filter((r) => r.status === 201).length);
    // The nurse-ratio rule counts patients from start to visit end: at no instant more than 4.
    const inChairs = (t: number) => rows.filter((r) => r.s.getTime() <= t && t < r.e.getTime()).length;
    expect(Math.max(...rows.map((r) => inChairs(r.s.getTime())))).toBeLessThanOrEqual(4);
    expect(new Set(rows.map((r) => r.s.getTime())).size).toBe(rows.length);
    // Sequentially the same requests book this many: the race neither loses nor adds a visit.
    expect(rows.length).toBeGreaterThanOrEqual(4);
  });

  it("locks a visit's time, not its day: an open booking delays only bookings whose chair time overlaps it", async () => {
    const clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 3, nurses: 4 });
    const c = await ds.getRepository(Clinic).findOneByOrFail({ id: clinic.id });
    const [p1, p2, p3] = await Promise.all([1, 2, 3].map(() => seedPatient(ds, clinic.id)));
    const booking = app.get(BookingService);
    const visit = (patientId: string, time: string, chairId: string) => ({
      key: 1,
      patientId,
      kind: 'iv-infusion',
      startsAt: new Date(at(DAY, time)),
      chairId,
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let booked!: () => void;
    const first = new Promise<void>((r) => (booked = r));
    // A booking of 09:00 that stays open (its locks held) until released.
    const open = ds.transaction(async (em) => {
      await booking.bookVisits(em, c, [visit(p1, '09:00', clinic.chairIds[0])], { status: 'booked', createdBy: null });
      booked();
      await held;
    });
    await first;
    const attempt = (patientId: string, time: string, chairId: string) =>
      ds
        .transaction(async (em) => {
          await em.query(`SET LOCAL lock_timeout = '300ms'`);
          await booking.bookVisits(em, c, [visit(patientId, time, chairId)], { status: 'booked', createdBy: null });
          return 'booked';
        })
        .catch((e: unknown) => pgCode(e) ?? String(e));
    try {
      // The afternoon of the same day does not wait; 09:30 (its chair time overlaps 09:00's) does.
      expect(await attempt(p2, '14:00', clinic.chairIds[1])).toBe('booked');
      expect(await attempt(p3, '09:30', clinic.chairIds[2])).toBe('55P03');
    } finally {
      release();
      await open;
    }
    expect(await attempt(p3, '09:30', clinic.chairIds[2])).toBe('booked');
  });

  it('a batch cannot double-count: two requests for one chair and start name the second key', async () => {
    const clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 1, nurses: 4 });
    const c = await ds.getRepository(Clinic).findOneByOrFail({ id: clinic.id });
    const [p1, p2] = [await seedPatient(ds, clinic.id), await seedPatient(ds, clinic.id)];
    const booking = app.get(BookingService);
    const startsAt = new Date(at(DAY, '11:00'));
    const err = await ds
      .transaction((em) =>
        booking.bookVisits(
          em,
          c,
          [
            { key: 1, patientId: p1, kind: 'iv-infusion', startsAt },
            { key: 2, patientId: p2, kind: 'iv-infusion', startsAt },
          ],
          { status: 'booked', createdBy: null },
        ),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details.conflicts).toEqual([{ key: 2, startsAt: startsAt.toISOString(), reason: 'chair-busy' }]);
    expect(await activeRows(clinic.id)).toBe(0);
  });
});

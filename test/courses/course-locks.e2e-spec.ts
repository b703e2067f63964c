import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, findDefaultProtocol, FixedClock, validateSeries } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { localIso, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

// Monday 2027-03-01 07:00 in New York.
const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';
const ROUNDS = 50;
// A Monday: visits on days 0, 2, 5, 7, 9, 11 (three in each ISO week, one rest day between two).
const BASE = '2027-03-08';
const DAYS = [0, 2, 5, 7, 9, 11];
const SLOTS = ['08:00', '09:30', '11:00', '12:30', '14:00', '15:30', '17:00', '18:30'];

/** Rows still waiting on a lock, of this database (to order the steps of a race deterministically). */
async function lockWaiters(ds: DataSource): Promise<number> {
  const [{ n }] = (await ds.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  )) as { n: number }[];
  return n;
}
async function waitForLockWaiters(ds: DataSource, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await lockWaiters(ds)) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${n} transaction(s) waiting on a lock`);
}

describe('course rules under concurrency (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let url: string;

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    await app.listen(0);
    url = await app.getUrl();
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: 8, nurses: 8, fromDate: '2027-03-01', days: 40 });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  const scheduler = (clinicId = clinic.id) => asStaff(app, Role.Scheduler, clinicId);
  async function bookedCourse(c: TestClinic, patientId: string, starts: string[]): Promise<string> {
    const created = await request(url)
      .post('/v1/courses')
      .set(scheduler(c.id))
      .send({ patientId, clinicId: c.id, protocolKey: 'iv-induction' })
      .expect(201);
    const courseId = created.body.id as string;
    await request(url)
      .post(`/v1/courses/${courseId}/bookings`)
      .set(scheduler(c.id))
      .send({ visits: starts.map((startsAt, i) => ({ sequence: i + 1, startsAt })) })
      .expect(201);
    return courseId;
  }

  it(`two moves of different visits of one course at once never both win against the protocol (${ROUNDS} rounds)`, async () => {
    const protocol = findDefaultProtocol('iv-induction');
    if (!protocol) throw new Error('iv-induction is a default protocol');
    let doubleWins = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const time = SLOTS[round % SLOTS.length];
      const patientId = await newPatient(ds, clinic.id);
      const courseId = await bookedCourse(
        clinic,
        patientId,
        DAYS.map((d) => localIso(addDays(BASE, d), time, ZONE)),
      );
      const before = (await ds.query(`SELECT id, sequence, starts_at, version FROM appointment WHERE course_id = $1`, [courseId])) as {
        id: string;
        sequence: number;
        starts_at: Date;
        version: number;
      }[];
      const visit = (seq: number) => before.find((v) => v.sequence === seq)!;
      // Visit 2 (day 2) to day 3 and visit 3 (day 5) to day 4: each alone keeps a rest day, both
      // together leave days 3 and 4 one day apart.
      const [a, b] = await Promise.all([
        request(url)
          .post(`/v1/appointments/${visit(2).id}/reschedule`)
          .set(scheduler())
          .send({ startsAt: localIso(addDays(BASE, 3), time, ZONE) }),
        request(url)
          .post(`/v1/appointments/${visit(3).id}/reschedule`)
          .set(scheduler())
          .send({ startsAt: localIso(addDays(BASE, 4), time, ZONE) }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 422]);
      const loser = a.status === 422 ? a : b;
      expect(loser.body.violations.map((v: { code: string }) => v.code)).toContain('min-gap');

      const after = (await ds.query(`SELECT id, sequence, starts_at, version FROM appointment WHERE course_id = $1 AND status = 'booked'`, [
        courseId,
      ])) as { id: string; sequence: number; starts_at: Date; version: number }[];
      expect(after).toHaveLength(6);
      const violations = validateSeries(
        protocol,
        after.map((v) => ({ sequence: v.sequence, start: v.starts_at.getTime() })),
        ZONE,
      );
      if (violations.length > 0) doubleWins++;
      // Nothing half-written: the losing visit kept its date and version.
      const lostSeq = loser === a ? 2 : 3;
      const lost = after.find((v) => v.sequence === lostSeq)!;
      expect(lost.starts_at.getTime()).toBe(visit(lostSeq).starts_at.getTime());
      expect(lost.version).toBe(visit(lostSeq).version);
    }
    expect(doubleWins).toBe(0);
  });

  it('a hold confirmed just before it expires and a booking just after cannot together exceed the nurse ratio', async () => {
    // One nurse at ratio 1: one patient in a chair at a time, whatever the two chairs.
    const small = await newClinic(ds, {
      zone: ZONE,
      chairs: 2,
      nurses: 1,
      fromDate: '2027-03-01',
      days: 30,
      settings: { nurseRatio: 1 },
    });
    const starts = DAYS.map((d) => localIso(addDays(BASE, d), '09:00', ZONE));
    const created = await request(url)
      .post('/v1/courses')
      .set(scheduler(small.id))
      .send({ patientId: await newPatient(ds, small.id), clinicId: small.id, protocolKey: 'iv-induction' })
      .expect(201);
    const courseId = created.body.id as string;
    const held = await request(url)
      .post(`/v1/courses/${courseId}/bookings`)
      .set(scheduler(small.id))
      .send({ visits: starts.map((startsAt, i) => ({ sequence: i + 1, startsAt, chairId: small.chairIds[0] })), hold: true })
      .expect(201);
    const expiresAt = Date.parse(held.body.holdExpiresAt as string);
    const other = await newPatient(ds, small.id);

    // The test holds the hold's expire-hold outbox row: the confirm blocks there, after its checks
    // and writes and before its commit, so the booking below runs while the confirm is open.
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM outbox_entry WHERE job_id = $1 FOR UPDATE`, [`expire-hold-${held.body.bookingId}`]);
      clock.set(expiresAt - 1);
      const confirm = request(url).post(`/v1/courses/${courseId}/bookings/${held.body.bookingId}/confirm`).set(scheduler(small.id)).then();
      await waitForLockWaiters(ds, 1);
      clock.set(expiresAt + 1);
      const booking = request(url)
        .post('/v1/appointments')
        .set(scheduler(small.id))
        .send({ patientId: other, clinicId: small.id, kind: 'iv-infusion', startsAt: starts[0], chairId: small.chairIds[1] })
        .then();
      await waitForLockWaiters(ds, 2);
      await runner.commitTransaction();
      const [c, b] = await Promise.all([confirm, booking]);
      expect(c.status).toBe(200);
      expect(b.status).toBe(409);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM appointment WHERE clinic_id = $1 AND status IN ('held', 'booked') AND starts_at = $2`,
      [small.id, new Date(starts[0])],
    )) as { n: number }[];
    expect(n).toBe(1);
  });

  describe('an ad-hoc treatment visit obeys the gates of a course', () => {
    it('refuses a visit the day after a course visit (rest day), saying to book through the course; two days apart is fine', async () => {
      const patientId = await newPatient(ds, clinic.id);
      const starts = DAYS.map((d) => localIso(addDays('2027-03-22', d), '10:00', ZONE));
      await bookedCourse(clinic, patientId, starts);
      const refused = await request(url)
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: localIso('2027-03-23', '14:00', ZONE) })
        .expect(422);
      expect(refused.body.reason).toBe('rest-day');
      expect(refused.body.detail).toMatch(/course/);
      const before = await ds.query(`SELECT count(*)::int AS n FROM appointment WHERE patient_id = $1`, [patientId]);
      expect(before[0].n).toBe(6);
      // Two weeks after the last course visit.
      await request(url)
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: localIso('2027-04-05', '14:00', ZONE) })
        .expect(201);
    });

    it('refuses a course visit the day after an ad-hoc infusion: the rule holds whichever was booked first', async () => {
      const patientId = await newPatient(ds, clinic.id);
      await request(url)
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: localIso('2027-03-21', '10:00', ZONE) })
        .expect(201);
      const created = await request(url)
        .post('/v1/courses')
        .set(scheduler())
        .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
        .expect(201);
      const res = await request(url)
        .post(`/v1/courses/${created.body.id}/bookings`)
        .set(scheduler())
        .send({ visits: DAYS.map((d, i) => ({ sequence: i + 1, startsAt: localIso(addDays('2027-03-22', d), '12:00', ZONE) })) })
        .expect(422);
      expect(res.body.reason).toBe('rest-day');
    });

    it('refuses an ad-hoc infusion without an approved screening where the clinic requires approval', async () => {
      const strict = await newClinic(ds, {
        zone: ZONE,
        chairs: 1,
        fromDate: '2027-03-01',
        days: 10,
        settings: { requireScreeningApproval: true },
      });
      const patientId = await newPatient(ds, strict.id);
      const res = await request(url)
        .post('/v1/appointments')
        .set(scheduler(strict.id))
        .send({ patientId, clinicId: strict.id, kind: 'iv-infusion', startsAt: localIso('2027-03-03', '10:00', ZONE) })
        .expect(422);
      expect(res.body.reason).toBe('screening-not-approved');
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM appointment WHERE patient_id = $1`, [patientId]);
      expect(n).toBe(0);
    });

    it('refuses ad-hoc Spravato without a REMS-enrolled patient, and at a site that is not certified', async () => {
      const unenrolled = await newPatient(ds, clinic.id);
      const res = await request(url)
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: unenrolled, clinicId: clinic.id, kind: 'spravato', startsAt: localIso('2027-04-07', '10:00', ZONE) })
        .expect(422);
      expect(res.body.reason).toBe('rems-patient');

      const uncertified = await newClinic(ds, {
        zone: ZONE,
        chairs: 1,
        fromDate: '2027-03-01',
        days: 60,
        settings: { remsCertified: false },
      });
      const enrolled = await newPatient(ds, uncertified.id, { rems: true });
      const site = await request(url)
        .post('/v1/appointments')
        .set(scheduler(uncertified.id))
        .send({ patientId: enrolled, clinicId: uncertified.id, kind: 'spravato', startsAt: localIso('2027-04-07', '10:00', ZONE) })
        .expect(422);
      expect(site.body.reason).toBe('rems-site');
    });
  });
});

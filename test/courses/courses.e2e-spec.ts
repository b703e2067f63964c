import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Appointment } from '@chairtime/scheduling/entities';
import { CourseRescheduleGuard, ExpireHoldHandler } from '@chairtime/courses';
import { Assessment } from '@chairtime/clinical/entities';
import { addDays, DEFAULT_PROTOCOLS, FixedClock, findDefaultProtocol, validateSeries } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asPatient, asStaff, bearer } from '../support/auth';
import { inductionStarts, localIso, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

// Monday 2027-03-01 07:00 in New York: every test books in the weeks after.
const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';

describe('courses (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: 4, nurses: 4, fromDate: '2027-03-01', days: 130 });
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  const scheduler = () => asStaff(app, Role.Scheduler, clinic.id);
  async function course(patientId: string, protocolKey = 'iv-induction'): Promise<string> {
    const res = await http.post('/v1/courses').set(scheduler()).send({ patientId, clinicId: clinic.id, protocolKey }).expect(201);
    return res.body.id as string;
  }
  const series = (starts: string[], chairId?: string) =>
    starts.map((startsAt, i) => ({ sequence: i + 1, startsAt, ...(chairId ? { chairId } : {}) }));

  describe('protocols', () => {
    it('lists the seeded protocols exactly as DEFAULT_PROTOCOLS', async () => {
      const res = await http.get('/v1/protocols').set(scheduler()).expect(200);
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
      expect([...res.body].sort(byKey)).toEqual([...DEFAULT_PROTOCOLS].map((p) => ({ ...p })).sort(byKey));
    });
    it('gets one protocol by key, 404 for an unknown key, 401 without a token', async () => {
      const res = await http
        .get('/v1/protocols/iv-induction')
        .set(asPatient(app, '00000000-0000-4000-8000-000000000001', clinic.id))
        .expect(200);
      expect(res.body).toEqual(findDefaultProtocol('iv-induction'));
      await http.get('/v1/protocols/no-such-protocol').set(scheduler()).expect(404);
      await http.get('/v1/protocols').expect(401);
    });
  });

  it('patient → course → plans → book → the course shows six booked visits that obey the protocol', async () => {
    const patientId = await newPatient(ds, clinic.id);
    const me = asPatient(app, patientId, clinic.id);
    const created = await http
      .post('/v1/courses')
      .set(me)
      .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'draft', protocol: { key: 'iv-induction', version: 1 } });
    const courseId = created.body.id as string;

    const plans = await http
      .post(`/v1/courses/${courseId}/plans`)
      .set(me)
      .send({ earliestStart: '2027-03-02', preferences: { weekdays: [1, 3, 5], timeWindows: [{ from: '09:00', to: '12:00' }] }, limit: 3 })
      .expect(200);
    expect(plans.body.plans.length).toBeGreaterThan(0);
    const best = plans.body.plans[0] as { visits: { sequence: number; startsAt: string; chairId: string }[] };
    expect(best.visits).toHaveLength(6);

    const booked = await http
      .post(`/v1/courses/${courseId}/bookings`)
      .set(me)
      .send({ visits: best.visits.map((v) => ({ sequence: v.sequence, startsAt: v.startsAt, chairId: v.chairId })) })
      .expect(201);
    expect(booked.body).toMatchObject({ status: 'booked' });
    expect(booked.body.appointments).toHaveLength(6);

    const got = await http.get(`/v1/courses/${courseId}`).set(me).expect(200);
    expect(got.body.status).toBe('booked');
    const visits = got.body.appointments as { sequence: number; startsAt: string; status: string; courseId: string }[];
    expect(visits.map((v) => v.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(visits.every((v) => v.status === 'booked' && v.courseId === courseId)).toBe(true);
    const violations = validateSeries(
      findDefaultProtocol('iv-induction')!,
      visits.map((v) => ({ sequence: v.sequence, start: Date.parse(v.startsAt) })),
      ZONE,
    );
    expect(violations).toEqual([]);

    const next = await http.get(`/v1/courses/${courseId}/next-steps`).set(me).expect(200);
    const last = Date.parse(visits[5].startsAt);
    expect(Date.parse(next.body.followUp.latest)).toBe(last + 7 * 86_400_000);
    expect(next.body.booster).toMatchObject({ protocolKey: 'iv-booster' });
    expect(Date.parse(next.body.booster.earliest)).toBe(last + 21 * 86_400_000);
    expect(Date.parse(next.body.booster.preferred)).toBe(last + 28 * 86_400_000);
    expect(Date.parse(next.body.booster.latest)).toBe(last + 42 * 86_400_000);

    // A booster course is anchored on the last induction visit and plans from it.
    const booster = await course(patientId, 'iv-booster');
    const boosterPlans = await http
      .post(`/v1/courses/${booster}/plans`)
      .set(me)
      .send({ earliestStart: '2027-03-02', limit: 1 })
      .expect(200);
    expect(boosterPlans.body.plans).toHaveLength(1);
    const first = Date.parse(boosterPlans.body.plans[0].visits[0].startsAt);
    expect(first).toBeGreaterThanOrEqual(last + 20 * 86_400_000);
  });

  it('a series given as clinic-local wall times (no offset) is booked at those times in the clinic’s zone', async () => {
    const courseId = await course(await newPatient(ds, clinic.id));
    const dates = [0, 2, 4, 7, 9, 11].map((d) => addDays('2027-04-05', d));
    const booked = await http
      .post(`/v1/courses/${courseId}/bookings`)
      .set(scheduler())
      .send({ visits: series(dates.map((date) => `${date}T13:30`)) })
      .expect(201);
    const starts = (booked.body.appointments as { startsAt: string }[]).map((a) => Date.parse(a.startsAt));
    expect(starts).toEqual(dates.map((date) => Date.parse(localIso(date, '13:30', ZONE))));
  });

  describe('bad input', () => {
    let courseId: string;
    beforeAll(async () => {
      courseId = await course(await newPatient(ds, clinic.id));
    });
    it('unknown protocol → 400 naming protocolKey', async () => {
      const patientId = await newPatient(ds, clinic.id);
      const res = await http.post('/v1/courses').set(scheduler()).send({ patientId, clinicId: clinic.id, protocolKey: 'nope' }).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'protocolKey' })]);
    });
    it('plans: past start, limit 21, empty weekdays → 400; unknown course → 404', async () => {
      await http.post(`/v1/courses/${courseId}/plans`).set(scheduler()).send({ earliestStart: '2027-02-27' }).expect(400);
      await http.post(`/v1/courses/${courseId}/plans`).set(scheduler()).send({ earliestStart: '2027-03-02', limit: 21 }).expect(400);
      const far = await http.post(`/v1/courses/${courseId}/plans`).set(scheduler()).send({ earliestStart: '2100-01-01' }).expect(400);
      expect(far.body.errors).toEqual([{ path: 'earliestStart', message: 'earliestStart must fall in the years 2000–2099' }]);
      await http
        .post(`/v1/courses/${courseId}/plans`)
        .set(scheduler())
        .send({ earliestStart: '2027-03-02', preferences: { weekdays: [] } })
        .expect(400);
      await http
        .post('/v1/courses/00000000-0000-4000-8000-000000000000/plans')
        .set(scheduler())
        .send({ earliestStart: '2027-03-02' })
        .expect(404);
    });
    it('wrong visit count, out of order and a min-gap break → 422 naming the rule; nothing is written', async () => {
      const starts = inductionStarts('2027-03-08', '10:00', ZONE);
      const five = await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(scheduler())
        .send({ visits: series(starts.slice(0, 5)) })
        .expect(422);
      expect(five.body.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'visit-count' })]));
      const swapped = [...starts];
      [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
      const order = await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(scheduler())
        .send({ visits: series(swapped) })
        .expect(422);
      expect(order.body.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'order' })]));
      // Visit 3 the day after visit 2: no rest day.
      const tight = [...starts];
      tight[2] = localIso('2027-03-11', '10:00', ZONE);
      const gap = await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(scheduler())
        .send({ visits: series(tight) })
        .expect(422);
      expect(gap.body.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'min-gap', sequence: 3 })]));
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM appointment WHERE course_id = $1', [courseId]);
      expect(n).toBe(0);
    });
    it('a wall time in a DST gap, a bare date or a start in the past → 400 naming the visit; nothing is written', async () => {
      const local = [0, 2, 4, 7, 9, 11].map((d) => `${addDays('2027-03-08', d)}T10:00`);
      const book = (starts: string[], status: number) =>
        http
          .post(`/v1/courses/${courseId}/bookings`)
          .set(scheduler())
          .send({ visits: series(starts) })
          .expect(status);
      // 2027-03-14 is New York's spring-forward day: 02:30 does not exist there.
      const gap = await book(
        local.map((t, i) => (i === 3 ? '2027-03-14T02:30' : t)),
        400,
      );
      expect(gap.body.errors).toEqual([expect.objectContaining({ path: 'visits[3].startsAt' })]);
      const date = await book(
        local.map((t, i) => (i === 0 ? '2027-03-08' : t)),
        400,
      );
      expect(date.body.errors).toEqual([expect.objectContaining({ path: 'visits[0].startsAt' })]);
      // The clock moves past the first visit: a 400 naming it, as for a single visit.
      clock.set(Date.parse(localIso('2027-03-08', '11:00', ZONE)));
      const past = await book(local, 400);
      expect(past.body.errors).toEqual([expect.objectContaining({ path: 'visits[0].startsAt' })]);
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM appointment WHERE course_id = $1', [courseId]);
      expect(n).toBe(0);
    });
    it('another clinic’s staff get 404', async () => {
      const other = bearer(app, { role: Role.Scheduler, clinicIds: ['00000000-0000-4000-8000-00000000000f'] });
      await http.get(`/v1/courses/${courseId}`).set(other).expect(404);
    });
  });

  it('409 names the sequence that lost its chair, and nothing of the series is written', async () => {
    const chair = clinic.chairIds[0];
    const a = await course(await newPatient(ds, clinic.id));
    const b = await course(await newPatient(ds, clinic.id));
    const aStarts = inductionStarts('2027-06-07', '09:00', ZONE);
    await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(aStarts, chair) })
      .expect(201);
    const bStarts = inductionStarts('2027-06-07', '13:00', ZONE);
    bStarts[2] = aStarts[2];
    const res = await http
      .post(`/v1/courses/${b}/bookings`)
      .set(scheduler())
      .send({ visits: series(bStarts, chair) })
      .expect(409);
    expect(res.body.conflicts).toEqual([expect.objectContaining({ sequence: 3, startsAt: aStarts[2] })]);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM appointment WHERE course_id = $1', [b]);
    expect(n).toBe(0);
  });

  it('a visit only the database refuses (the patient is busy then) → 409 naming that sequence, nothing written', async () => {
    const patientId = await newPatient(ds, clinic.id);
    const a = await course(patientId);
    const starts = inductionStarts('2027-06-14', '09:00', ZONE);
    // A follow-up consult of the same patient 30 minutes into the 4th: capacity allows both (a
    // clinician is on shift, the chairs are free), only the patient exclusion constraint refuses the
    // series' row. (A consult: an infusion the same day would be refused by the rest day first.)
    const single = new Date(Date.parse(starts[3]) + 30 * 60_000).toISOString();
    await ds.query(
      `INSERT INTO staff_shift (clinic_id, role, starts_at, ends_at) VALUES ($1, 'clinician', $2::timestamptz, $2::timestamptz + interval '4 hours')`,
      [clinic.id, starts[3]],
    );
    await http
      .post('/v1/appointments')
      .set(scheduler())
      .send({ patientId, clinicId: clinic.id, kind: 'follow-up', startsAt: single })
      .expect(201);
    const res = await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(starts) })
      .expect(409);
    expect(res.body.conflicts).toEqual([{ sequence: 4, startsAt: starts[3], reason: 'patient-busy' }]);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM appointment WHERE course_id = $1', [a]);
    expect(n).toBe(0);
    expect(await ds.query('SELECT id FROM booking WHERE course_id = $1', [a])).toEqual([]);
    expect(await ds.query('SELECT id FROM message WHERE course_id = $1', [a])).toEqual([]);
  });

  describe('idempotency', () => {
    it('20 parallel requests with one key → one booking, identical responses', async () => {
      const courseId = await course(await newPatient(ds, clinic.id));
      const body = { visits: series(inductionStarts('2027-03-22', '11:00', ZONE)) };
      const auth = scheduler();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          http.post(`/v1/courses/${courseId}/bookings`).set(auth).set('Idempotency-Key', 'key-20').send(body),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      for (const r of responses) expect(r.body).toEqual(responses[0].body);
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM booking WHERE course_id = $1', [courseId]);
      expect(n).toBe(1);
    });
    it('the same key with a different body → 422 idempotency-mismatch', async () => {
      const courseId = await course(await newPatient(ds, clinic.id));
      const auth = scheduler();
      const starts = inductionStarts('2027-03-29', '11:00', ZONE);
      await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(auth)
        .set('Idempotency-Key', 'key-x')
        .send({ visits: series(starts) })
        .expect(201);
      const res = await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(auth)
        .set('Idempotency-Key', 'key-x')
        .send({ visits: series(starts), hold: true })
        .expect(422);
      expect(res.body.type).toContain('idempotency-mismatch');
    });
  });

  describe('holds (frozen, then advanced clock)', () => {
    it('a hold blocks its chairs until it expires, then they are free without any job having run', async () => {
      const chair = clinic.chairIds[1];
      const starts = series(inductionStarts('2027-04-05', '09:00', ZONE), chair);
      const a = await course(await newPatient(ds, clinic.id));
      const b = await course(await newPatient(ds, clinic.id));
      const held = await http.post(`/v1/courses/${a}/bookings`).set(scheduler()).send({ visits: starts, hold: true }).expect(201);
      expect(held.body).toMatchObject({ status: 'held', holdExpiresAt: new Date(NOW + 10 * 60_000).toISOString() });
      await http.post(`/v1/courses/${b}/bookings`).set(scheduler()).send({ visits: starts }).expect(409);

      clock.advance(10 * 60_000 + 1);
      await http.post(`/v1/courses/${a}/bookings/${held.body.bookingId}/confirm`).set(scheduler()).expect(409);
      await http.post(`/v1/courses/${b}/bookings`).set(scheduler()).send({ visits: starts }).expect(201);
    });
    it('confirm within the hold books the course; DELETE releases a hold at once', async () => {
      const chair = clinic.chairIds[2];
      const starts = series(inductionStarts('2027-04-12', '09:00', ZONE), chair);
      const a = await course(await newPatient(ds, clinic.id));
      const held = await http.post(`/v1/courses/${a}/bookings`).set(scheduler()).send({ visits: starts, hold: true }).expect(201);
      clock.advance(9 * 60_000);
      const confirmed = await http.post(`/v1/courses/${a}/bookings/${held.body.bookingId}/confirm`).set(scheduler()).expect(200);
      expect(confirmed.body.appointments.map((x: { status: string }) => x.status)).toEqual(Array(6).fill('booked'));
      expect((await http.get(`/v1/courses/${a}`).set(scheduler()).expect(200)).body.status).toBe('booked');

      const later = series(inductionStarts('2027-05-17', '09:00', ZONE), chair);
      const b = await course(await newPatient(ds, clinic.id));
      const c = await course(await newPatient(ds, clinic.id));
      const hold2 = await http.post(`/v1/courses/${b}/bookings`).set(scheduler()).send({ visits: later, hold: true }).expect(201);
      await http.delete(`/v1/courses/${b}/bookings/${hold2.body.bookingId}`).set(scheduler()).expect(204);
      await http.post(`/v1/courses/${c}/bookings`).set(scheduler()).send({ visits: later }).expect(201);
      await http.post(`/v1/courses/${b}/bookings/${hold2.body.bookingId}/confirm`).set(scheduler()).expect(409);
    });
    it('the expire-hold handler marks only an expired hold, and is idempotent', async () => {
      const a = await course(await newPatient(ds, clinic.id));
      const starts = series(inductionStarts('2027-06-28', '09:00', ZONE), clinic.chairIds[1]);
      const held = await http.post(`/v1/courses/${a}/bookings`).set(scheduler()).send({ visits: starts, hold: true }).expect(201);
      const handler = app.get(ExpireHoldHandler);
      const status = async () => (await ds.query('SELECT status FROM booking WHERE id = $1', [held.body.bookingId]))[0].status as string;
      await handler.handle({ bookingId: held.body.bookingId });
      expect(await status()).toBe('held');
      clock.advance(10 * 60_000);
      // The handler also needs the database's time past expiry (this test's clock is years ahead).
      await ds.query(`UPDATE booking SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [held.body.bookingId]);
      await handler.handle({ bookingId: held.body.bookingId });
      await handler.handle({ bookingId: held.body.bookingId });
      expect(await status()).toBe('expired');
      const rows: { status: string }[] = await ds.query('SELECT status FROM appointment WHERE booking_id = $1', [held.body.bookingId]);
      expect(rows.map((r) => r.status)).toEqual(Array(6).fill('cancelled'));
    });

    it('a hold enqueues an expire-hold job through the outbox (ids only)', async () => {
      const a = await course(await newPatient(ds, clinic.id));
      const starts = series(inductionStarts('2027-04-26', '09:00', ZONE), clinic.chairIds[3]);
      const held = await http.post(`/v1/courses/${a}/bookings`).set(scheduler()).send({ visits: starts, hold: true }).expect(201);
      const rows = await ds.query(
        "SELECT job_id, payload FROM outbox_entry WHERE job_name = 'expire-hold' AND payload->>'bookingId' = $1",
        [held.body.bookingId],
      );
      expect(rows).toEqual([{ job_id: `expire-hold-${held.body.bookingId}`, payload: { bookingId: held.body.bookingId } }]);
    });
  });

  it('cancel cancels every future visit, the series booking and the course', async () => {
    const a = await course(await newPatient(ds, clinic.id));
    const booked = await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(inductionStarts('2027-05-03', '09:00', ZONE)) })
      .expect(201);
    const res = await http.post(`/v1/courses/${a}/cancel`).set(scheduler()).send({ reason: 'patient request' }).expect(200);
    expect(res.body.status).toBe('cancelled');
    const got = await http.get(`/v1/courses/${a}`).set(scheduler()).expect(200);
    expect(got.body.appointments.map((x: { status: string }) => x.status)).toEqual(Array(6).fill('cancelled'));
    expect(await ds.query('SELECT status FROM booking WHERE id = $1', [booked.body.bookingId])).toEqual([{ status: 'cancelled' }]);
    await http.post(`/v1/courses/${a}/cancel`).set(scheduler()).send({ reason: 'again' }).expect(409);
  });

  it('cancelling a course with a live hold releases the hold', async () => {
    const a = await course(await newPatient(ds, clinic.id));
    const held = await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(inductionStarts('2027-05-10', '09:00', ZONE)), hold: true })
      .expect(201);
    await http.post(`/v1/courses/${a}/cancel`).set(scheduler()).send({ reason: 'patient request' }).expect(200);
    expect(await ds.query('SELECT status FROM booking WHERE id = $1', [held.body.bookingId])).toEqual([{ status: 'released' }]);
    await http.post(`/v1/courses/${a}/bookings/${held.body.bookingId}/confirm`).set(scheduler()).expect(409);
  });

  it('moving one course visit re-validates the whole series (reschedule guard)', async () => {
    const a = await course(await newPatient(ds, clinic.id));
    await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(inductionStarts('2027-06-14', '15:00', ZONE)) })
      .expect(201);
    const visits = await ds.getRepository(Appointment).find({ where: { courseId: a }, order: { sequence: 'ASC' } });
    const guard = app.get(CourseRescheduleGuard);
    // Visit 3 (Fri) moved to Thu: one day after visit 2 (Wed).
    const tooClose = new Date(localIso('2027-06-17', '15:00', ZONE));
    await expect(guard.assertReschedule(ds.manager, visits[2], tooClose)).rejects.toMatchObject({
      code: 'rule-violation',
      details: { violations: [expect.objectContaining({ code: 'min-gap', sequence: 3 })] },
    });
    const viaHttp = await http
      .post(`/v1/appointments/${visits[2].id}/reschedule`)
      .set(scheduler())
      .send({ startsAt: tooClose.toISOString() })
      .expect(422);
    expect(viaHttp.body.violations).toEqual([expect.objectContaining({ code: 'min-gap', sequence: 3 })]);
    // Same Friday, later in the day: still valid.
    await expect(guard.assertReschedule(ds.manager, visits[2], new Date(localIso('2027-06-18', '17:00', ZONE)))).resolves.toBeUndefined();
  });

  it('next steps: a relapse signal pulls the preferred booster date to the window start; 409 before the induction is booked', async () => {
    const patientId = await newPatient(ds, clinic.id);
    const a = await course(patientId);
    await http.get(`/v1/courses/${a}/next-steps`).set(scheduler()).expect(409);
    const starts = inductionStarts('2027-06-21', '15:00', ZONE);
    await http
      .post(`/v1/courses/${a}/bookings`)
      .set(scheduler())
      .send({ visits: series(starts) })
      .expect(201);
    await ds.getRepository(Assessment).insert({
      clinicId: clinic.id,
      patientId,
      instrument: 'PHQ-9',
      answers: [2, 2, 2, 2, 2, 2, 2, 2, 0],
      score: 16,
      severity: 'moderately-severe',
      item9Positive: false,
      relapseSignal: true,
      source: 'staff',
      screeningId: null,
      createdBy: null,
      takenAt: new Date(NOW),
    });
    const next = await http.get(`/v1/courses/${a}/next-steps`).set(scheduler()).expect(200);
    expect(next.body.booster.preferred).toBe(next.body.booster.earliest);
    expect(Date.parse(next.body.booster.earliest)).toBe(Date.parse(starts[5]) + 21 * 86_400_000);
  });

  it('a patient reaches only their own courses', async () => {
    const mine = await newPatient(ds, clinic.id);
    const theirs = await course(await newPatient(ds, clinic.id));
    await http
      .get(`/v1/courses/${theirs}`)
      .set(asPatient(app, mine, clinic.id))
      .expect(404);
    await http
      .post('/v1/courses')
      .set(asPatient(app, mine, clinic.id))
      .send({ patientId: await newPatient(ds, clinic.id), clinicId: clinic.id, protocolKey: 'iv-induction' })
      .expect(404);
  });

  it('a clinic that requires screening approval refuses a course without an approved screening (422)', async () => {
    const strict = await newClinic(ds, {
      zone: ZONE,
      chairs: 1,
      nurses: 1,
      fromDate: '2027-03-01',
      days: 1,
      settings: { requireScreeningApproval: true },
    });
    const patientId = await newPatient(ds, strict.id);
    const res = await http
      .post('/v1/courses')
      .set(asStaff(app, Role.Scheduler, strict.id))
      .send({ patientId, clinicId: strict.id, protocolKey: 'iv-induction' })
      .expect(422);
    expect(res.body.type).toContain('rule-violation');
  });

  it('Spravato needs a REMS-enrolled patient', async () => {
    const patientId = await newPatient(ds, clinic.id);
    await http.post('/v1/courses').set(scheduler()).send({ patientId, clinicId: clinic.id, protocolKey: 'spravato-induction' }).expect(422);
    const enrolled = await newPatient(ds, clinic.id, { rems: true });
    await http
      .post('/v1/courses')
      .set(scheduler())
      .send({ patientId: enrolled, clinicId: clinic.id, protocolKey: 'spravato-induction' })
      .expect(201);
  });
});

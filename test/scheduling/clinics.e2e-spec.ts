import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asAdmin, asPatient, asStaff } from '../support/auth';
import { at, countRows, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');

describe('clinics and capacity (real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let clinicId: string;
  let sched: { Authorization: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startSchedulingApi(new FixedClock(NOW));
    ds = app.get(DataSource);
    const res = await http()
      .post('/v1/clinics')
      .set(asAdmin(app))
      .send({ name: 'North', timezone: 'America/New_York', settings: { nurseRatio: 3 } });
    expect(res.status).toBe(201);
    clinicId = res.body.id;
    sched = asStaff(app, Role.Scheduler, clinicId);
  });
  afterAll(async () => app.close());

  it('documents every scheduling route in OpenAPI', async () => {
    const doc = await http().get('/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths as object);
    for (const p of [
      '/v1/clinics',
      '/v1/clinics/{clinicId}/hours',
      '/v1/clinics/{clinicId}/availability',
      '/v1/clinics/{clinicId}/board',
      '/v1/clinics/{clinicId}/capacity',
      '/v1/chairs/{chairId}/blocks',
      '/v1/appointments/{id}/reschedule',
      '/v1/appointments/{id}/alternatives',
    ]) {
      expect(paths).toContain(p);
    }
  });

  it('creates a clinic with settings merged over the defaults', async () => {
    const res = await http()
      .get(`/v1/clinics/${clinicId}`)
      .set(asStaff(app, Role.Nurse, clinicId));
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ nurseRatio: 3, slotMinutes: 15, quietHours: { from: '21:00', to: '08:00' } });
  });

  it.each([
    [{ name: 'X', timezone: 'UTC+3' }, 'timezone'],
    [{ name: 'X', timezone: 'UTC', settings: { slotMinutes: 7 } }, 'settings.slotMinutes'],
    [{ name: 'X', timezone: 'UTC', settings: { nurseRatio: 11 } }, 'settings.nurseRatio'],
    [{ name: 'X', timezone: 'UTC', settings: { quietHours: { from: '25:00' } } }, 'settings.quietHours.from'],
    [{ name: 'X', timezone: 'UTC', settings: { vitalsHold: { systolic: 90, diastolic: 100 } } }, 'settings.vitalsHold.systolic'],
    [{ name: 'X', timezone: 'UTC', settings: { bogus: 1 } }, 'settings.bogus'],
  ])('refuses a bad clinic %j naming %s', async (body, path) => {
    const before = await countRows(ds, 'clinic');
    const res = await http().post('/v1/clinics').set(asAdmin(app)).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    expect(await countRows(ds, 'clinic')).toBe(before);
  });

  it('only admins create and patch clinics; other tenants get 404', async () => {
    expect((await http().post('/v1/clinics').set(sched).send({ name: 'Y', timezone: 'UTC' })).status).toBe(403);
    const patched = await http()
      .patch(`/v1/clinics/${clinicId}`)
      .set(asAdmin(app))
      .send({ settings: { slotMinutes: 15, patientNoticeHours: 12 } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.patientNoticeHours).toBe(12);
    expect(patched.body.settings.nurseRatio).toBe(3);
    const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
    expect((await http().get(`/v1/clinics/${clinicId}`).set(stranger)).status).toBe(404);
  });

  describe('hours', () => {
    it.each([
      [[{ weekday: 1, opens: '10:00', closes: '09:00' }], 'weekly[0].closes'],
      [[{ weekday: 8, opens: '08:00', closes: '09:00' }], 'weekly[0].weekday'],
      [
        [
          { weekday: 2, opens: '08:00', closes: '12:00' },
          { weekday: 2, opens: '11:00', closes: '15:00' },
        ],
        'weekly[1]',
      ],
    ])('refuses %j naming %s, nothing written', async (weekly, path) => {
      const before = await countRows(ds, 'opening_hours', clinicId);
      const res = await http().put(`/v1/clinics/${clinicId}/hours`).set(sched).send({ weekly });
      expect(res.status).toBe(400);
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
      expect(await countRows(ds, 'opening_hours', clinicId)).toBe(before);
    });

    it('replaces the weekly intervals (several per day allowed)', async () => {
      const weekly = [1, 2, 3, 4, 5].flatMap((weekday) => [
        { weekday, opens: '08:00', closes: '12:00' },
        { weekday, opens: '13:00', closes: '18:00' },
      ]);
      const res = await http().put(`/v1/clinics/${clinicId}/hours`).set(sched).send({ weekly });
      expect(res.status).toBe(200);
      expect(res.body.weekly).toHaveLength(10);
      expect(await countRows(ds, 'opening_hours', clinicId)).toBe(10);
    });
  });

  it('closures, chairs, blocks and shifts', async () => {
    expect(
      (
        await http()
          .post(`/v1/clinics/${clinicId}/closures`)
          .set(sched)
          .send({ startDate: '2027-03-10', endDate: '2027-03-09', reason: 'x' })
      ).status,
    ).toBe(400);
    expect(
      (
        await http()
          .post(`/v1/clinics/${clinicId}/closures`)
          .set(sched)
          .send({ startDate: '2027-03-10', endDate: '2027-03-10', reason: 'training' })
      ).status,
    ).toBe(201);
    const closures = await http()
      .get(`/v1/clinics/${clinicId}/closures`)
      .set(asStaff(app, Role.Clinician, clinicId));
    expect(closures.body.items).toHaveLength(1);

    const bad = await http()
      .post(`/v1/clinics/${clinicId}/chairs`)
      .set(sched)
      .send({ name: 'A', capabilities: ['intake'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('capabilities[0]');
    const chair = await http()
      .post(`/v1/clinics/${clinicId}/chairs`)
      .set(sched)
      .send({ name: 'A', capabilities: ['iv-infusion', 'spravato'] });
    expect(chair.status).toBe(201);
    await http()
      .post(`/v1/clinics/${clinicId}/chairs`)
      .set(sched)
      .send({ name: 'B', capabilities: ['iv-infusion'] });
    const page1 = await http().get(`/v1/clinics/${clinicId}/chairs?limit=1`).set(sched);
    expect(page1.body.items.map((c: { name: string }) => c.name)).toEqual(['A']);
    const page2 = await http().get(`/v1/clinics/${clinicId}/chairs?limit=1&cursor=${page1.body.nextCursor}`).set(sched);
    expect(page2.body.items.map((c: { name: string }) => c.name)).toEqual(['B']);
    expect(page2.body.nextCursor).toBeNull();

    const block = await http()
      .post(`/v1/chairs/${chair.body.id}/blocks`)
      .set(sched)
      .send({ startsAt: at('2027-03-02', '08:00'), endsAt: at('2027-03-02', '12:00'), reason: 'pump service' });
    expect(block.status).toBe(201);
    const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
    expect((await http().get(`/v1/chairs/${chair.body.id}/blocks`).set(stranger)).status).toBe(404);

    const long = await http()
      .post(`/v1/clinics/${clinicId}/shifts`)
      .set(sched)
      .send({ role: 'nurse', startsAt: '2027-03-02T00:00:00Z', endsAt: '2027-03-03T01:00:00Z' });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].path).toBe('endsAt');
    for (const role of ['nurse', 'clinician']) {
      const s = await http()
        .post(`/v1/clinics/${clinicId}/shifts`)
        .set(sched)
        .send({ role, startsAt: at('2027-03-02', '08:00'), endsAt: at('2027-03-02', '18:00') });
      expect(s.status).toBe(201);
    }
    expect(
      (
        await http()
          .post(`/v1/clinics/${clinicId}/shifts`)
          .set(asStaff(app, Role.Nurse, clinicId))
          .send({ role: 'nurse', startsAt: at('2027-03-02', '08:00'), endsAt: at('2027-03-02', '09:00') })
      ).status,
    ).toBe(403);

    // Availability on 2027-03-02 (Tue): chair A is blocked until 12:00, so morning slots offer chair B only.
    const slots = await http().get(`/v1/clinics/${clinicId}/availability?kind=iv-infusion&from=2027-03-02&to=2027-03-02`).set(sched);
    expect(slots.status).toBe(200);
    expect(slots.body.slots[0]).toMatchObject({ startsAt: at('2027-03-02', '08:00'), chairIds: [expect.any(String)] });
    expect(slots.body.slots.some((s: { startsAt: string }) => s.startsAt === at('2027-03-02', '11:00'))).toBe(false);
    const closed = await http().get(`/v1/clinics/${clinicId}/availability?kind=iv-infusion&from=2027-03-10&to=2027-03-10`).set(sched);
    expect(closed.body.slots).toEqual([]);
  });

  describe('availability input', () => {
    it.each([
      ['kind=iv-infusion&from=2027-03-01&to=2027-06-30', 'to'],
      ['kind=iv-infusion&from=2027-03-05&to=2027-03-01', 'to'],
      ['kind=iv-infusion&from=2027-02-30&to=2027-03-01', 'from'],
      ['kind=warp&from=2027-03-01&to=2027-03-02', 'kind'],
    ])('%s → 400 naming %s', async (qs, path) => {
      const res = await http().get(`/v1/clinics/${clinicId}/availability?${qs}`).set(sched);
      expect(res.status).toBe(400);
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    });

    it('patients of the clinic may read it; others get 404', async () => {
      const p = await seedPatient(ds, clinicId);
      expect(
        (
          await http()
            .get(`/v1/clinics/${clinicId}/availability?kind=iv-infusion&from=2027-03-02&to=2027-03-02`)
            .set(asPatient(app, p, clinicId))
        ).status,
      ).toBe(200);
      const other = await seedClinic(ds, { fromDate: '2027-03-01', days: 1 });
      const q = await seedPatient(ds, other.id);
      expect(
        (
          await http()
            .get(`/v1/clinics/${clinicId}/availability?kind=iv-infusion&from=2027-03-02&to=2027-03-02`)
            .set(asPatient(app, q, other.id))
        ).status,
      ).toBe(404);
    });
  });

  describe('board and capacity', () => {
    let a: SchedClinic;
    let b: SchedClinic;
    beforeAll(async () => {
      a = await seedClinic(ds, { fromDate: '2027-02-28', days: 40, chairs: 2, nurses: 2 });
      b = await seedClinic(ds, { fromDate: '2027-02-28', days: 2, chairs: 1 });
    });

    it('shows chairs with ids and statuses only, and utilization', async () => {
      const s = asStaff(app, Role.Scheduler, a.id);
      const p = await seedPatient(ds, a.id);
      const booked = await http()
        .post('/v1/appointments')
        .set(s)
        .send({ patientId: p, clinicId: a.id, kind: 'iv-infusion', startsAt: at('2027-03-02', '09:00') });
      expect(booked.status).toBe(201);
      const res = await http()
        .get(`/v1/clinics/${a.id}/board?date=2027-03-02`)
        .set(asStaff(app, Role.Nurse, a.id));
      expect(res.status).toBe(200);
      expect(res.body.date).toBe('2027-03-02');
      expect(res.body.chairs).toHaveLength(2);
      const appts = res.body.chairs.flatMap((c: { appointments: unknown[] }) => c.appointments);
      expect(appts).toEqual([expect.objectContaining({ id: booked.body.id, status: 'booked', flags: ['ride-unconfirmed'] })]);
      // The board is for the clinic's staff: each visit names its patient (and nothing clinical).
      const [name] = await ds.query(`SELECT given_name || ' ' || family_name AS n FROM patient WHERE id = $1`, [p]);
      expect(appts).toEqual([expect.objectContaining({ patientName: name.n })]);
      // 90 booked chair minutes of 2 chairs × 12 h open.
      expect(res.body.utilization).toBeCloseTo(90 / (2 * 12 * 60), 5);
    });

    it("a scheduler of clinic A gets 404 for clinic B's board", async () => {
      const res = await http()
        .get(`/v1/clinics/${b.id}/board?date=2027-03-02`)
        .set(asStaff(app, Role.Scheduler, a.id));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('forecasts per ISO week', async () => {
      const res = await http()
        .get(`/v1/clinics/${a.id}/capacity?weeks=2`)
        .set(asStaff(app, Role.Scheduler, a.id));
      expect(res.status).toBe(200);
      expect(res.body.weeks.map((w: { weekStart: string }) => w.weekStart)).toEqual(['2027-03-01', '2027-03-08']);
      const [w1, w2] = res.body.weeks;
      expect(w2.openChairHours).toBe(2 * 12 * 7);
      expect(w1.bookedChairHours).toBe(1.5);
      expect(w2.newIvInductionCourses).toBeGreaterThan(0);
      expect(
        (
          await http()
            .get(`/v1/clinics/${a.id}/capacity?weeks=27`)
            .set(asStaff(app, Role.Scheduler, a.id))
        ).status,
      ).toBe(400);
    });
  });
});

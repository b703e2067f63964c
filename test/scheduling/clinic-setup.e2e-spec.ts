import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEntry } from '@chairtime/audit';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff, bearer } from '../support/auth';
import { at, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');

/** Chair edits, the shift list's date filter and the audit trail of set-up changes (real Postgres). */
describe('clinic set-up (real Postgres, frozen clock)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: SchedClinic;
  let sched: { Authorization: string };
  let schedulerId: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
    clinic = await seedClinic(ds, { fromDate: '2027-03-01', days: 7, chairs: 2, nurses: 2 });
    schedulerId = '5c4b3a29-1111-4222-8333-444455556666';
    sched = bearer(app, { role: Role.Scheduler, clinicIds: [clinic.id], userId: schedulerId });
  });
  afterAll(async () => app.close());

  const book = async (chairId: string, startsAt: string, kind = 'iv-infusion') => {
    const res = await http()
      .post('/v1/appointments')
      .set(sched)
      .send({ patientId: await seedPatient(ds, clinic.id), clinicId: clinic.id, kind, startsAt, chairId });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const audits = (action: string, resourceId: string) => ds.getRepository(AuditEntry).find({ where: { action, resourceId } });

  describe('PATCH /v1/chairs/:chairId', () => {
    it('renames and changes capabilities, audited with the changed fields', async () => {
      const res = await http()
        .patch(`/v1/chairs/${clinic.chairIds[0]}`)
        .set(sched)
        .send({ name: 'Window chair', capabilities: ['iv-infusion', 'spravato', 'im-injection', 'lozenge'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: clinic.chairIds[0], name: 'Window chair', active: true });
      const [row] = await audits('chair.update', clinic.chairIds[0]);
      expect(row).toMatchObject({
        actorId: schedulerId,
        actorRole: 'scheduler',
        clinicId: clinic.id,
        outcome: 'success',
        detail: 'name,capabilities',
      });
    });

    it('refuses bad input naming the field, and writes nothing', async () => {
      const before = await http().get(`/v1/clinics/${clinic.id}/chairs`).set(sched);
      const unknown = await http()
        .patch(`/v1/chairs/${clinic.chairIds[0]}`)
        .set(sched)
        .send({ capabilities: ['iv-infusion', 'warp'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].path).toBe('capabilities[1]');
      const notBool = await http().patch(`/v1/chairs/${clinic.chairIds[0]}`).set(sched).send({ active: 'no' });
      expect(notBool.status).toBe(400);
      const taken = await http().patch(`/v1/chairs/${clinic.chairIds[1]}`).set(sched).send({ name: 'Window chair' });
      expect(taken.status).toBe(409);
      expect((await http().get(`/v1/clinics/${clinic.id}/chairs`).set(sched)).body).toEqual(before.body);
      expect(await audits('chair.update', clinic.chairIds[1])).toEqual([]);
    });

    it('only schedulers of the clinic edit chairs; other tenants get 404', async () => {
      expect(
        (
          await http()
            .patch(`/v1/chairs/${clinic.chairIds[0]}`)
            .set(asStaff(app, Role.Nurse, clinic.id))
            .send({ name: 'N' })
        ).status,
      ).toBe(403);
      const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
      expect((await http().patch(`/v1/chairs/${clinic.chairIds[0]}`).set(stranger).send({ name: 'N' })).status).toBe(404);
    });

    it('deactivating a chair with future visits is 409 naming them; once they are gone it goes out of service', async () => {
      const chairId = clinic.chairIds[1];
      const startsAt = at('2027-03-04', '09:00');
      const visit = await book(chairId, startsAt);
      const refused = await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: false });
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.body.conflicts).toEqual([{ appointmentId: visit, startsAt, chairId, kind: 'iv-infusion', reason: 'chair-inactive' }]);
      const dropCapability = await http()
        .patch(`/v1/chairs/${chairId}`)
        .set(sched)
        .send({ capabilities: ['spravato'] });
      expect(dropCapability.status).toBe(409);
      expect(dropCapability.body.conflicts[0]).toMatchObject({ appointmentId: visit, reason: 'capability-removed' });
      expect((await ds.query('SELECT active, capabilities FROM chair WHERE id = $1', [chairId]))[0]).toMatchObject({ active: true });

      await http().post(`/v1/appointments/${visit}/cancel`).set(sched).send({ reason: 'moved' }).expect(200);
      const done = await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: false });
      expect(done.status).toBe(200);
      expect(done.body.active).toBe(false);
      const slots = await http().get(`/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=2027-03-04&to=2027-03-04`).set(sched);
      expect(slots.body.slots.length).toBeGreaterThan(0);
      expect(slots.body.slots.every((s: { chairIds: string[] }) => !s.chairIds.includes(chairId))).toBe(true);
      await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: true }).expect(200);
    });

    it('past visits do not keep a chair in service', async () => {
      const chairId = clinic.chairIds[1];
      await book(chairId, at('2027-03-02', '09:00'));
      clock.set(Date.parse(at('2027-03-02', '12:00')));
      try {
        expect((await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: false })).status).toBe(200);
      } finally {
        clock.set(NOW);
        await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: true }).expect(200);
      }
    });
    it('a booking that read the chair as free while its deactivation was committing is refused, not left on the chair', async () => {
      const chairId = clinic.chairIds[1];
      const startsAt = at('2027-03-05', '09:00');
      const patientId = await seedPatient(ds, clinic.id);
      // The deactivation's transaction, held open: the chair row locked and marked inactive.
      const runner = ds.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query('SELECT id FROM chair WHERE id = $1 FOR UPDATE', [chairId]);
        await runner.query('UPDATE chair SET active = false WHERE id = $1', [chairId]);
        // The booking reads capacity (the chair still committed as active), then its insert waits
        // on the chair row's lock.
        const pending = http()
          .post('/v1/appointments')
          .set(sched)
          .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt, chairId });
        const settled = pending.then((r) => r);
        await new Promise((r) => setTimeout(r, 500));
        await runner.commitTransaction();
        const res = await settled;
        expect(res.status).toBe(409);
        expect(res.body.conflicts).toEqual([expect.objectContaining({ reason: 'chair-inactive', startsAt })]);
        expect(await ds.query(`SELECT id FROM appointment WHERE chair_id = $1 AND starts_at = $2`, [chairId, startsAt])).toEqual([]);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
        await http().patch(`/v1/chairs/${chairId}`).set(sched).send({ active: true }).expect(200);
      }
    });
  });

  describe('GET /v1/clinics/:clinicId/shifts', () => {
    it('filters by clinic-local dates (overlap) and role', async () => {
      const overnight = await http()
        .post(`/v1/clinics/${clinic.id}/shifts`)
        .set(sched)
        .send({ role: 'nurse', startsAt: at('2027-03-05', '22:00'), endsAt: at('2027-03-06', '06:00') });
      expect(overnight.status).toBe(201);
      const list = async (qs: string) => {
        const res = await http()
          .get(`/v1/clinics/${clinic.id}/shifts?limit=200&${qs}`)
          .set(asStaff(app, Role.Nurse, clinic.id));
        expect(res.status).toBe(200);
        return res.body.items as { id: string; role: string; startsAt: string; endsAt: string }[];
      };
      const day = await list('from=2027-03-03&to=2027-03-03');
      // seedClinic puts 2 nurses and 1 clinician on every day.
      expect(day).toHaveLength(3);
      expect(day.every((s) => s.startsAt === at('2027-03-03', '08:00'))).toBe(true);
      expect((await list('from=2027-03-03&to=2027-03-03&role=clinician')).map((s) => s.role)).toEqual(['clinician']);
      expect((await list('from=2027-03-06&to=2027-03-06')).map((s) => s.id)).toContain(overnight.body.id);
      expect((await list('from=2027-03-05&to=2027-03-05')).map((s) => s.id)).toContain(overnight.body.id);
      expect((await list('from=2027-03-04&to=2027-03-04')).map((s) => s.id)).not.toContain(overnight.body.id);
      expect(await list('from=2027-03-03&to=2027-03-04')).toHaveLength(6);
      const page = await http().get(`/v1/clinics/${clinic.id}/shifts?limit=2&from=2027-03-03&to=2027-03-04`).set(sched);
      const rest = await http()
        .get(`/v1/clinics/${clinic.id}/shifts?limit=200&from=2027-03-03&to=2027-03-04&cursor=${page.body.nextCursor}`)
        .set(sched);
      expect(page.body.items.length + rest.body.items.length).toBe(6);
    });

    it('a shift and a chair block given as clinic-local wall times are stored at those times; one in a DST gap is 400 and writes nothing', async () => {
      const night = await http()
        .post(`/v1/clinics/${clinic.id}/shifts`)
        .set(sched)
        .send({ role: 'nurse', startsAt: '2027-03-20T19:00', endsAt: '2027-03-21T07:00' });
      expect(night.status).toBe(201);
      expect(night.body).toMatchObject({ startsAt: at('2027-03-20', '19:00'), endsAt: at('2027-03-21', '07:00') });
      const block = await http()
        .post(`/v1/chairs/${clinic.chairIds[0]}/blocks`)
        .set(sched)
        .send({ startsAt: '2027-03-20T12:00', endsAt: '2027-03-20T13:30', reason: 'pump service' });
      expect(block.status).toBe(201);
      expect(block.body).toMatchObject({ startsAt: at('2027-03-20', '12:00'), endsAt: at('2027-03-20', '13:30') });

      const [{ n: before }] = await ds.query('SELECT count(*)::int AS n FROM staff_shift WHERE clinic_id = $1', [clinic.id]);
      // New York springs forward on 2027-03-14: 02:30 does not exist there.
      const gap = await http()
        .post(`/v1/clinics/${clinic.id}/shifts`)
        .set(sched)
        .send({ role: 'nurse', startsAt: '2027-03-14T02:30', endsAt: '2027-03-14T10:00' });
      expect(gap.status).toBe(400);
      expect((gap.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['startsAt']);
      const blockGap = await http()
        .post(`/v1/chairs/${clinic.chairIds[0]}/blocks`)
        .set(sched)
        .send({ startsAt: '2027-03-14T01:00', endsAt: '2027-03-14T02:15', reason: 'x' });
      expect(blockGap.status).toBe(400);
      expect((blockGap.body.errors as { path: string }[]).map((e) => e.path)).toEqual(['endsAt']);
      const [{ n: after }] = await ds.query('SELECT count(*)::int AS n FROM staff_shift WHERE clinic_id = $1', [clinic.id]);
      expect(after).toBe(before);
    });

    it('dates and times outside 2000–2099, and a closure longer than 366 days, are 400 naming the field; nothing is written', async () => {
      const count = async () =>
        (
          await ds.query(
            `SELECT (SELECT count(*) FROM staff_shift WHERE clinic_id = $1) + (SELECT count(*) FROM closure WHERE clinic_id = $1)
                  + (SELECT count(*) FROM chair_block WHERE clinic_id = $1) AS n`,
            [clinic.id],
          )
        )[0].n as string;
      const before = await count();
      const years = (field: string) => `${field} must fall in the years 2000–2099`;
      // [method, path, body, field named, message]; year 9999 in New York is already 10000 in UTC.
      const cases: ['get' | 'post', string, object | undefined, string, string][] = [
        [
          'post',
          `/v1/clinics/${clinic.id}/shifts`,
          { role: 'nurse', startsAt: '9999-12-31T23:00', endsAt: '9999-12-31T23:30' },
          'startsAt',
          years('startsAt'),
        ],
        [
          'post',
          `/v1/chairs/${clinic.chairIds[0]}/blocks`,
          { startsAt: '2027-03-20T08:00:00Z', endsAt: '2100-01-01T08:00:00Z', reason: 'x' },
          'endsAt',
          years('endsAt'),
        ],
        [
          'post',
          `/v1/clinics/${clinic.id}/closures`,
          { startDate: '0001-01-01', endDate: '0001-01-02', reason: 'x' },
          'startDate',
          years('startDate'),
        ],
        [
          'post',
          `/v1/clinics/${clinic.id}/closures`,
          { startDate: '2027-06-01', endDate: '2028-06-01', reason: 'x' },
          'endDate',
          'a closure lasts at most 366 days',
        ],
        ['get', `/v1/clinics/${clinic.id}/board?date=9999-12-31`, undefined, 'date', years('date')],
        ['get', `/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=0001-01-01&to=0001-01-02`, undefined, 'from', years('from')],
      ];
      for (const [method, path, body, field, message] of cases) {
        const res = await (method === 'get' ? http().get(path) : http().post(path).send(body)).set(sched);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ path: field, message }]);
      }
      expect(await count()).toBe(before);
      // 366 days, both dates included, is still a closure.
      const year = await http()
        .post(`/v1/clinics/${clinic.id}/closures`)
        .set(sched)
        .send({ startDate: '2028-01-01', endDate: '2028-12-31', reason: 'renovation' });
      expect(year.status).toBe(201);
    });

    it.each([
      ['from=2027-03-05&to=2027-03-04', 'to'],
      ['from=2027-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['role=doctor', 'role'],
    ])('%s → 400 naming %s', async (qs, path) => {
      const res = await http().get(`/v1/clinics/${clinic.id}/shifts?${qs}`).set(sched);
      expect(res.status).toBe(400);
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    });
  });

  it('every set-up change writes an audit row in its transaction; a refused one writes none', async () => {
    const admin = bearer(app, { role: Role.Admin, userId: '7d6c5b4a-2222-4333-8444-555566667777' });
    const created = await http().post('/v1/clinics').set(admin).send({ name: 'Audited', timezone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const s = bearer(app, { role: Role.Scheduler, clinicIds: [id], userId: schedulerId });
    await http()
      .patch(`/v1/clinics/${id}`)
      .set(admin)
      .send({ settings: { nurseRatio: 3 } })
      .expect(200);
    await http()
      .put(`/v1/clinics/${id}/hours`)
      .set(s)
      .send({ weekly: [{ weekday: 1, opens: '08:00', closes: '18:00' }] })
      .expect(200);
    const closure = await http()
      .post(`/v1/clinics/${id}/closures`)
      .set(s)
      .send({ startDate: '2027-12-24', endDate: '2027-12-26', reason: 'holidays' });
    const chair = await http()
      .post(`/v1/clinics/${id}/chairs`)
      .set(s)
      .send({ name: 'A', capabilities: ['iv-infusion'] });
    const block = await http()
      .post(`/v1/chairs/${chair.body.id}/blocks`)
      .set(s)
      .send({ startsAt: '2027-03-02T08:00:00Z', endsAt: '2027-03-02T09:00:00Z', reason: 'pump service' });
    const shift = await http()
      .post(`/v1/clinics/${id}/shifts`)
      .set(s)
      .send({ role: 'nurse', startsAt: '2027-03-02T07:00:00Z', endsAt: '2027-03-02T15:00:00Z' });
    await http().patch(`/v1/chairs/${chair.body.id}`).set(s).send({ active: false }).expect(200);
    // Refused: bad hours and a bad closure leave no audit row.
    await http()
      .put(`/v1/clinics/${id}/hours`)
      .set(s)
      .send({ weekly: [{ weekday: 1, opens: '18:00', closes: '08:00' }] })
      .expect(400);
    await http()
      .post(`/v1/clinics/${id}/closures`)
      .set(s)
      .send({ startDate: '2027-12-26', endDate: '2027-12-24', reason: 'x' })
      .expect(400);

    const rows = await ds.getRepository(AuditEntry).find({ where: { clinicId: id }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.action, r.resourceType, r.resourceId, r.actorRole])).toEqual([
      ['clinic.create', 'clinic', id, 'admin'],
      ['clinic.update', 'clinic', id, 'admin'],
      ['clinic.hours.replace', 'opening-hours', id, 'scheduler'],
      ['closure.create', 'closure', closure.body.id, 'scheduler'],
      ['chair.create', 'chair', chair.body.id, 'scheduler'],
      ['chair-block.create', 'chair-block', block.body.id, 'scheduler'],
      ['shift.create', 'staff-shift', shift.body.id, 'scheduler'],
      ['chair.update', 'chair', chair.body.id, 'scheduler'],
    ]);
    expect(rows[1].detail).toBe('settings.nurseRatio');
    expect(rows.every((r) => r.outcome === 'success' && r.patientId === null)).toBe(true);
    // No free text typed by users (closure and block reasons) reaches the audit log.
    expect(rows.some((r) => /holidays|pump/.test(r.detail ?? ''))).toBe(false);
  });
});

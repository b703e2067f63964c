import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff, bearer } from '../support/auth';
import { at, seedClinic, seedPatient, SchedClinic, SchedClinicOptions, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');

/**
 * Set-up changes reconcile with what is booked (issue 21): edit and delete of shifts, closures,
 * blocks and hours; one person's shifts never overlap; every change that removes capacity over a
 * booked visit is a 409 naming it, or with `?force=true` flags it and raises a task; a zone change
 * under future visits is refused. Real Postgres, frozen clock.
 */
describe('set-up changes reconcile with bookings (real Postgres, frozen clock)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  interface Ctx {
    clinic: SchedClinic;
    sched: { Authorization: string };
  }
  const newClinic = async (o: Partial<SchedClinicOptions> = {}): Promise<Ctx> => {
    const clinic = await seedClinic(ds, { fromDate: '2027-03-01', days: 7, chairs: 3, nurses: 1, ...o });
    return { clinic, sched: bearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] }) };
  };
  const book = async (c: Ctx, chairId: string, startsAt: string, kind = 'iv-infusion') => {
    const res = await http()
      .post('/v1/appointments')
      .set(c.sched)
      .send({ patientId: await seedPatient(ds, c.clinic.id), clinicId: c.clinic.id, kind, startsAt, ...(chairId ? { chairId } : {}) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const shiftsOn = async (clinicId: string, date: string, role = 'nurse') =>
    (
      await ds.query<{ id: string }[]>(
        `SELECT id FROM staff_shift WHERE clinic_id = $1 AND role = $2 AND starts_at >= $3 AND starts_at < $3::timestamptz + interval '1 day' ORDER BY id`,
        [clinicId, role, at(date, '00:00')],
      )
    ).map((r) => r.id);
  const tasksOf = async (appointmentId: string) =>
    ds.query<{ kind: string; status: string }[]>(`SELECT kind, status FROM task WHERE appointment_id = $1`, [appointmentId]);
  const boardFlags = async (c: Ctx, date: string, appointmentId: string): Promise<string[]> => {
    const res = await http().get(`/v1/clinics/${c.clinic.id}/board?date=${date}`).set(c.sched).expect(200);
    const items = [
      ...(res.body.chairs as { appointments: { id: string; flags: string[] }[] }[]).flatMap((ch) => ch.appointments),
      ...(res.body.consults as { id: string; flags: string[] }[]),
    ];
    const found = items.find((a) => a.id === appointmentId);
    if (found) return found.flags;
    throw new Error('visit not on the board');
  };
  const staffUser = async (clinicId: string, role: 'nurse' | 'clinician') => {
    const [u] = await ds.query<{ id: string }[]>(`INSERT INTO app_user (email, password_hash, role) VALUES ($1, 'x', $2) RETURNING id`, [
      `staff-${randomUUID().slice(0, 12)}@test.chairtime.dev`,
      role,
    ]);
    await ds.query('INSERT INTO user_clinic (user_id, clinic_id) VALUES ($1, $2)', [u.id, clinicId]);
    return u.id;
  };
  const audit = async (action: string, resourceId: string) =>
    ds.query<{ detail: string | null }[]>('SELECT detail FROM audit_entry WHERE action = $1 AND resource_id = $2', [action, resourceId]);

  /** Asserts the 409 names exactly `visit`, then that `?force=true` commits with flag and task. */
  const refusedThenForced = async (
    c: Ctx,
    send: (force: boolean) => request.Test,
    visit: string,
    date: string,
    reason: string,
    chairId: string | null,
  ) => {
    const refused = await send(false);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body.conflicts).toEqual([
      { appointmentId: visit, startsAt: expect.any(String), chairId, kind: expect.any(String), reason },
    ]);
    expect(await tasksOf(visit)).toEqual([]);
    expect(await boardFlags(c, date, visit)).not.toContain('needs-rebooking');
    const forced = await send(true);
    expect(forced.status).toBeLessThan(300);
    expect(forced.body.displaced).toEqual(refused.body.conflicts);
    expect(await tasksOf(visit)).toEqual([{ kind: 'needs-rebooking', status: 'open' }]);
    expect(await boardFlags(c, date, visit)).toContain('needs-rebooking');
    return forced;
  };

  it('documents the edit and delete routes with response DTOs and their error statuses', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string } } } }> }>
      >;
    };
    const ref = (path: string, method: string, status: string) =>
      doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema?.$ref;
    expect(ref('/v1/clinics/{clinicId}/shifts/{shiftId}', 'patch', '200')).toMatch(/ShiftChangeDto$/);
    expect(ref('/v1/clinics/{clinicId}/shifts/{shiftId}', 'delete', '200')).toMatch(/DeletedShiftDto$/);
    expect(ref('/v1/clinics/{clinicId}/closures/{closureId}', 'get', '200')).toMatch(/ClosureDto$/);
    expect(ref('/v1/clinics/{clinicId}/closures/{closureId}', 'patch', '200')).toMatch(/ClosureChangeDto$/);
    expect(ref('/v1/chairs/{chairId}/blocks/{blockId}', 'patch', '200')).toMatch(/BlockChangeDto$/);
    expect(ref('/v1/clinics/{clinicId}/hours', 'put', '200')).toMatch(/HoursChangeDto$/);
    for (const [path, method] of [
      ['/v1/clinics/{clinicId}/shifts/{shiftId}', 'delete'],
      ['/v1/clinics/{clinicId}/closures', 'post'],
      ['/v1/chairs/{chairId}/blocks', 'post'],
    ]) {
      expect(Object.keys(doc.paths[path][method].responses)).toEqual(expect.arrayContaining(['404', '409']));
    }
  });

  describe('edit and delete routes', () => {
    it('shifts: PATCH, GET one, DELETE; audited; tenant scope 404, nurses 403', async () => {
      const c = await newClinic();
      const created = await http()
        .post(`/v1/clinics/${c.clinic.id}/shifts`)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-05T08:00', endsAt: '2027-03-05T12:00', name: 'Extra' })
        .expect(201);
      const id = created.body.id as string;
      const url = `/v1/clinics/${c.clinic.id}/shifts/${id}`;
      const patched = await http().patch(url).set(c.sched).send({ endsAt: '2027-03-05T16:00', name: 'Extra long' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id, endsAt: at('2027-03-05', '16:00'), name: 'Extra long', displaced: [] });
      expect((await http().get(url).set(c.sched).expect(200)).body).toMatchObject({ endsAt: at('2027-03-05', '16:00'), userId: null });
      expect(await audit('shift.update', id)).toEqual([{ detail: 'endsAt,name' }]);

      const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
      expect((await http().patch(url).set(stranger).send({ name: 'x' })).status).toBe(404);
      expect((await http().delete(url).set(stranger)).status).toBe(404);
      expect(
        (
          await http()
            .delete(url)
            .set(asStaff(app, Role.Nurse, c.clinic.id))
        ).status,
      ).toBe(403);
      const other = await newClinic();
      expect((await http().get(`/v1/clinics/${other.clinic.id}/shifts/${id}`).set(other.sched)).status).toBe(404);
      const bad = await http().patch(url).set(c.sched).send({ endsAt: '2027-03-05T07:00' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].path).toBe('endsAt');

      expect((await http().delete(url).set(c.sched)).body).toEqual({ id, displaced: [] });
      expect((await http().get(url).set(c.sched)).status).toBe(404);
      expect(await audit('shift.delete', id)).toHaveLength(1);
    });

    it('a started shift only ends earlier; an ended one does not change', async () => {
      const c = await newClinic();
      const [today] = await shiftsOn(c.clinic.id, '2027-03-01');
      const url = `/v1/clinics/${c.clinic.id}/shifts/${today}`;
      clock.set(Date.parse(at('2027-03-01', '10:00')));
      try {
        expect((await http().delete(url).set(c.sched)).status).toBe(409);
        expect((await http().patch(url).set(c.sched).send({ startsAt: '2027-03-01T09:00' })).status).toBe(409);
        expect((await http().patch(url).set(c.sched).send({ endsAt: '2027-03-01T09:30' })).status).toBe(400);
        expect((await http().patch(url).set(c.sched).send({ endsAt: '2027-03-01T18:00' })).status).toBe(200);
        clock.set(Date.parse(at('2027-03-01', '19:00')));
        expect((await http().patch(url).set(c.sched).send({ name: 'late' })).status).toBe(409);
      } finally {
        clock.set(NOW);
      }
    });

    it('closures: GET list and one, PATCH, DELETE; audited; other tenants 404', async () => {
      const c = await newClinic();
      const created = await http()
        .post(`/v1/clinics/${c.clinic.id}/closures`)
        .set(c.sched)
        .send({ startDate: '2027-03-06', endDate: '2027-03-06', reason: 'Training' })
        .expect(201);
      const id = created.body.id as string;
      const url = `/v1/clinics/${c.clinic.id}/closures/${id}`;
      expect((await http().get(url).set(c.sched).expect(200)).body).toMatchObject({ id, startDate: '2027-03-06' });
      const patched = await http().patch(url).set(c.sched).send({ endDate: '2027-03-07', reason: 'Training, two days' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ endDate: '2027-03-07', reason: 'Training, two days', displaced: [] });
      expect((await http().patch(url).set(c.sched).send({ endDate: '2027-03-01' })).status).toBe(400);
      const list = await http().get(`/v1/clinics/${c.clinic.id}/closures`).set(c.sched).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
      const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
      expect((await http().delete(url).set(stranger)).status).toBe(404);
      expect((await http().delete(url).set(c.sched)).body).toEqual({ id });
      expect((await http().get(url).set(c.sched)).status).toBe(404);
      expect(await audit('closure.update', id)).toEqual([{ detail: 'endDate,reason' }]);
      expect(await audit('closure.delete', id)).toHaveLength(1);
    });

    it('chair blocks: GET list and one, PATCH, DELETE; audited; other tenants 404', async () => {
      const c = await newClinic();
      const chairId = c.clinic.chairIds[0];
      const created = await http()
        .post(`/v1/chairs/${chairId}/blocks`)
        .set(c.sched)
        .send({ startsAt: '2027-03-04T08:00', endsAt: '2027-03-04T09:00', reason: 'Service' })
        .expect(201);
      const id = created.body.id as string;
      const url = `/v1/chairs/${chairId}/blocks/${id}`;
      expect((await http().get(url).set(c.sched).expect(200)).body).toMatchObject({ id, chairId, startsAt: at('2027-03-04', '08:00') });
      const patched = await http().patch(url).set(c.sched).send({ endsAt: '2027-03-04T10:00' });
      expect(patched.body).toMatchObject({ endsAt: at('2027-03-04', '10:00'), displaced: [] });
      expect((await http().get(`/v1/chairs/${chairId}/blocks`).set(c.sched).expect(200)).body.items).toHaveLength(1);
      const stranger = asStaff(app, Role.Scheduler, '00000000-0000-4000-8000-000000000001');
      expect((await http().get(url).set(stranger)).status).toBe(404);
      expect((await http().delete(url).set(c.sched)).body).toEqual({ id });
      expect((await http().get(url).set(c.sched)).status).toBe(404);
      expect(await audit('chair-block.update', id)).toEqual([{ detail: 'endsAt' }]);
    });
  });

  describe('shifts name their person', () => {
    it('one person cannot hold overlapping shifts (409, database-enforced); the user must be staff of the clinic with the role', async () => {
      const c = await newClinic();
      const nurse = await staffUser(c.clinic.id, 'nurse');
      const base = `/v1/clinics/${c.clinic.id}/shifts`;
      const first = await http()
        .post(base)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-05T08:00', endsAt: '2027-03-05T14:00', userId: nurse })
        .expect(201);
      expect(first.body.userId).toBe(nurse);
      const overlap = await http()
        .post(base)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-05T13:00', endsAt: '2027-03-05T18:00', userId: nurse });
      expect(overlap.status).toBe(409);
      expect(overlap.body.errors[0].path).toBe('userId');
      const next = await http()
        .post(base)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-05T14:00', endsAt: '2027-03-05T18:00', userId: nurse })
        .expect(201);
      expect((await http().patch(`${base}/${next.body.id}`).set(c.sched).send({ startsAt: '2027-03-05T12:00' })).status).toBe(409);
      await expect(
        ds.query(`INSERT INTO staff_shift (clinic_id, role, starts_at, ends_at, user_id) VALUES ($1, 'nurse', $2, $3, $4)`, [
          c.clinic.id,
          at('2027-03-05', '09:00'),
          at('2027-03-05', '10:00'),
          nurse,
        ]),
      ).rejects.toThrow(/staff_shift_user_no_overlap/);
      const wrongRole = await http()
        .post(base)
        .set(c.sched)
        .send({ role: 'clinician', startsAt: '2027-03-06T08:00', endsAt: '2027-03-06T12:00', userId: nurse });
      expect(wrongRole.status).toBe(400);
      const elsewhere = await staffUser((await newClinic()).clinic.id, 'nurse');
      const foreign = await http()
        .post(base)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-06T08:00', endsAt: '2027-03-06T12:00', userId: elsewhere });
      expect(foreign.status).toBe(400);
    });
  });

  describe('capacity-removing changes over a booked visit: 409 naming it; force → flag and task', () => {
    it('a closure over the visit', async () => {
      const c = await newClinic();
      const visit = await book(c, c.clinic.chairIds[0], at('2027-03-03', '09:00'));
      const forced = await refusedThenForced(
        c,
        (force) =>
          http()
            .post(`/v1/clinics/${c.clinic.id}/closures${force ? '?force=true' : ''}`)
            .set(c.sched)
            .send({ startDate: '2027-03-03', endDate: '2027-03-03', reason: 'Flood' }),
        visit,
        '2027-03-03',
        'closed',
        c.clinic.chairIds[0],
      );
      expect(forced.status).toBe(201);
      expect(await audit('closure.create', forced.body.id)).toEqual([{ detail: 'displaced=1' }]);
    });

    it('a closure extended over the visit', async () => {
      const c = await newClinic();
      const visit = await book(c, c.clinic.chairIds[0], at('2027-03-04', '09:00'));
      const closure = await http()
        .post(`/v1/clinics/${c.clinic.id}/closures`)
        .set(c.sched)
        .send({ startDate: '2027-03-03', endDate: '2027-03-03', reason: 'Flood' })
        .expect(201);
      await refusedThenForced(
        c,
        (force) =>
          http()
            .patch(`/v1/clinics/${c.clinic.id}/closures/${closure.body.id}${force ? '?force=true' : ''}`)
            .set(c.sched)
            .send({ endDate: '2027-03-04' }),
        visit,
        '2027-03-04',
        'closed',
        c.clinic.chairIds[0],
      );
    });

    it('the only nurse’s shift removed, or shortened', async () => {
      const c = await newClinic();
      const visit = await book(c, c.clinic.chairIds[1], at('2027-03-03', '09:00'));
      const [nurseShift] = await shiftsOn(c.clinic.id, '2027-03-03');
      const url = `/v1/clinics/${c.clinic.id}/shifts/${nurseShift}`;
      const shorten = await http().patch(url).set(c.sched).send({ startsAt: '2027-03-03T10:00' });
      expect(shorten.status).toBe(409);
      expect(shorten.body.conflicts).toEqual([
        {
          appointmentId: visit,
          startsAt: at('2027-03-03', '09:00'),
          chairId: c.clinic.chairIds[1],
          kind: 'iv-infusion',
          reason: 'nurse-capacity',
        },
      ]);
      await refusedThenForced(
        c,
        (force) =>
          http()
            .delete(`${url}${force ? '?force=true' : ''}`)
            .set(c.sched),
        visit,
        '2027-03-03',
        'nurse-capacity',
        c.clinic.chairIds[1],
      );
      expect(await shiftsOn(c.clinic.id, '2027-03-03')).toEqual([]);
    });

    it('a duplicate nurse shift removed: visits still fit, nothing flagged', async () => {
      const c = await newClinic({ settings: { nurseRatio: 1 } });
      const extra = await http()
        .post(`/v1/clinics/${c.clinic.id}/shifts`)
        .set(c.sched)
        .send({ role: 'nurse', startsAt: '2027-03-03T08:00', endsAt: '2027-03-03T20:00' })
        .expect(201);
      const visit = await book(c, c.clinic.chairIds[0], at('2027-03-03', '09:00'));
      const res = await http().delete(`/v1/clinics/${c.clinic.id}/shifts/${extra.body.id}`).set(c.sched);
      expect(res.status).toBe(200);
      expect(await tasksOf(visit)).toEqual([]);
    });

    it('a consult whose clinician shift is deleted moves to another free clinician, or needs rebooking', async () => {
      const c = await newClinic({ clinicians: 2 });
      const consult = await book(c, '', at('2027-03-03', '09:00'), 'intake');
      const [{ clinician_shift_id: mine }] = await ds.query('SELECT clinician_shift_id FROM appointment WHERE id = $1', [consult]);
      const other = (await shiftsOn(c.clinic.id, '2027-03-03', 'clinician')).find((s) => s !== mine) as string;
      await http().delete(`/v1/clinics/${c.clinic.id}/shifts/${mine}`).set(c.sched).expect(200);
      expect((await ds.query('SELECT clinician_shift_id FROM appointment WHERE id = $1', [consult]))[0].clinician_shift_id).toBe(other);
      await refusedThenForced(
        c,
        (force) =>
          http()
            .delete(`/v1/clinics/${c.clinic.id}/shifts/${other}${force ? '?force=true' : ''}`)
            .set(c.sched),
        consult,
        '2027-03-03',
        'no-clinician',
        null,
      );
    });

    it('a chair block over the visit, added or extended', async () => {
      const c = await newClinic();
      const chairId = c.clinic.chairIds[2];
      const visit = await book(c, chairId, at('2027-03-03', '10:00'));
      const block = await http()
        .post(`/v1/chairs/${chairId}/blocks`)
        .set(c.sched)
        .send({ startsAt: '2027-03-03T08:00', endsAt: '2027-03-03T10:00', reason: 'Service' })
        .expect(201);
      expect(block.body.displaced).toEqual([]);
      await refusedThenForced(
        c,
        (force) =>
          http()
            .patch(`/v1/chairs/${chairId}/blocks/${block.body.id}${force ? '?force=true' : ''}`)
            .set(c.sched)
            .send({ endsAt: '2027-03-03T10:30' }),
        visit,
        '2027-03-03',
        'chair-blocked',
        chairId,
      );
    });

    it('opening hours shortened', async () => {
      const c = await newClinic();
      const visit = await book(c, c.clinic.chairIds[0], at('2027-03-03', '17:00'));
      const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '16:00' }));
      await refusedThenForced(
        c,
        (force) =>
          http()
            .put(`/v1/clinics/${c.clinic.id}/hours${force ? '?force=true' : ''}`)
            .set(c.sched)
            .send({ weekly }),
        visit,
        '2027-03-03',
        'outside-hours',
        c.clinic.chairIds[0],
      );
      expect((await http().get(`/v1/clinics/${c.clinic.id}/hours`).set(c.sched)).body.weekly[0]).toEqual({
        weekday: 1,
        opens: '08:00',
        closes: '16:00',
      });
    });

    it('a chair deactivated with force marks its visits, like the others', async () => {
      const c = await newClinic();
      const chairId = c.clinic.chairIds[0];
      const visit = await book(c, chairId, at('2027-03-03', '09:00'));
      await refusedThenForced(
        c,
        (force) =>
          http()
            .patch(`/v1/chairs/${chairId}${force ? '?force=true' : ''}`)
            .set(c.sched)
            .send({ active: false }),
        visit,
        '2027-03-03',
        'chair-inactive',
        chairId,
      );
    });

    it('a flagged visit moved through the booking path loses its flag', async () => {
      const c = await newClinic();
      const visit = await book(c, c.clinic.chairIds[0], at('2027-03-03', '09:00'));
      await http()
        .post(`/v1/clinics/${c.clinic.id}/closures?force=true`)
        .set(c.sched)
        .send({ startDate: '2027-03-03', endDate: '2027-03-03', reason: 'Flood' })
        .expect(201);
      expect(await boardFlags(c, '2027-03-03', visit)).toContain('needs-rebooking');
      await http()
        .post(`/v1/appointments/${visit}/reschedule`)
        .set(c.sched)
        .send({ startsAt: at('2027-03-04', '09:00') })
        .expect(200);
      expect(await boardFlags(c, '2027-03-04', visit)).not.toContain('needs-rebooking');
    });
  });

  it('a time zone change is refused while future visits are booked', async () => {
    const c = await newClinic();
    const visit = await book(c, c.clinic.chairIds[0], at('2027-03-03', '09:00'));
    const admin = bearer(app, { role: Role.Admin });
    const refused = await http().patch(`/v1/clinics/${c.clinic.id}`).set(admin).send({ timezone: 'America/Chicago' });
    expect(refused.status).toBe(409);
    expect(refused.body.conflicts.map((x: { appointmentId: string }) => x.appointmentId)).toEqual([visit]);
    expect(refused.body.detail).toMatch(/1 future visit/);
    expect((await ds.query('SELECT timezone FROM clinic WHERE id = $1', [c.clinic.id]))[0].timezone).toBe('America/New_York');
    expect((await http().patch(`/v1/clinics/${c.clinic.id}`).set(admin).send({ name: 'Renamed' })).status).toBe(200);
    await http().post(`/v1/appointments/${visit}/cancel`).set(c.sched).send({ reason: 'moved' }).expect(200);
    expect((await http().patch(`/v1/clinics/${c.clinic.id}`).set(admin).send({ timezone: 'America/Chicago' })).status).toBe(200);
  });
});

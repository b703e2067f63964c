import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DomainError, FixedClock } from '@chairtime/domain';
import { RescheduleGuards } from '@chairtime/scheduling';
import { Role } from '@chairtime/identity';
import { asPatient, asStaff, bearer } from '../support/auth';
import { at, countRows, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-03';

describe('single appointments (real Postgres, frozen clock)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: SchedClinic;
  let other: SchedClinic;
  let patientId: string;
  let sched: { Authorization: string };

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
    clinic = await seedClinic(ds, { fromDate: '2027-02-28', days: 30, chairs: 3, nurses: 2 });
    other = await seedClinic(ds, { fromDate: '2027-02-28', days: 30, chairs: 1 });
    patientId = await seedPatient(ds, clinic.id);
    sched = asStaff(app, Role.Scheduler, clinic.id);
  });
  afterAll(async () => app.close());
  beforeEach(() => clock.set(NOW));

  const book = (body: Record<string, unknown>, auth = sched) =>
    request(app.getHttpServer())
      .post('/v1/appointments')
      .set(auth)
      .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', ...body });

  describe('bad input: problem+json naming the field, nothing written', () => {
    const cases: [string, () => Record<string, unknown>, number, string][] = [
      ['off the slot grid', () => ({ startsAt: at(DAY, '09:05') }), 400, 'startsAt'],
      ['in the past', () => ({ startsAt: at('2027-02-28', '09:00') }), 400, 'startsAt'],
      ['not a date-time', () => ({ startsAt: 'tomorrow' }), 400, 'startsAt'],
      ['unknown kind', () => ({ kind: 'teleport', startsAt: at(DAY, '09:00') }), 400, 'kind'],
      ['unknown chair', () => ({ startsAt: at(DAY, '09:00'), chairId: '00000000-0000-4000-8000-000000000000' }), 404, 'chairId'],
      ["another clinic's chair", () => ({ startsAt: at(DAY, '09:00'), chairId: other.chairIds[0] }), 404, 'chairId'],
      ['a chair on a consult', () => ({ kind: 'intake', startsAt: at(DAY, '09:00'), chairId: clinic.chairIds[0] }), 400, 'chairId'],
      ['outside opening hours', () => ({ startsAt: at(DAY, '19:00') }), 409, 'startsAt'],
    ];
    it.each(cases)('%s', async (_name, body, status, field) => {
      const before = await countRows(ds, 'appointment');
      const res = await book(body());
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(field);
      expect(await countRows(ds, 'appointment')).toBe(before);
    });

    it('a chair without the capability is 422 naming chairId', async () => {
      const [row] = await ds.query<{ id: string }[]>(
        `INSERT INTO chair (clinic_id, name, capabilities) VALUES ($1, 'Spravato only', '{spravato}') RETURNING id`,
        [clinic.id],
      );
      const before = await countRows(ds, 'appointment');
      const res = await book({ startsAt: at(DAY, '09:00'), chairId: row.id });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe('chairId');
      expect(await countRows(ds, 'appointment')).toBe(before);
      await ds.query('DELETE FROM chair WHERE id = $1', [row.id]);
    });

    it("another clinic's patient is 404", async () => {
      const stranger = await seedPatient(ds, other.id);
      const res = await book({ patientId: stranger, startsAt: at(DAY, '09:00') });
      expect(res.status).toBe(404);
    });
  });

  it('books, reads, lists, moves and cancels one visit', async () => {
    const res = await book({ startsAt: at(DAY, '10:00') });
    expect(res.status).toBe(201);
    const a = res.body;
    expect(a).toMatchObject({ clinicId: clinic.id, patientId, courseId: null, kind: 'iv-infusion', status: 'booked' });
    expect(a.startsAt).toBe(at(DAY, '10:00'));
    expect(a.endsAt).toBe(at(DAY, '11:20'));
    expect(a.chairReleasedAt).toBe(at(DAY, '11:30'));
    expect(a.ride).toEqual({ status: 'unconfirmed' });
    expect(a.flags).toContain('ride-unconfirmed');
    expect(clinic.chairIds).toContain(a.chairId);

    const got = await request(app.getHttpServer()).get(`/v1/appointments/${a.id}`).set(sched);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(a.id);

    const list = await request(app.getHttpServer()).get(`/v1/appointments?clinicId=${clinic.id}&patientId=${patientId}&limit=1`).set(sched);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);

    const alts = await request(app.getHttpServer()).get(`/v1/appointments/${a.id}/alternatives?limit=3`).set(sched);
    expect(alts.status).toBe(200);
    expect(alts.body.alternatives).toHaveLength(3);
    const distances = (alts.body.alternatives as { startsAt: string }[]).map((s) =>
      Math.abs(Date.parse(s.startsAt) - Date.parse(a.startsAt)),
    );
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
    expect(distances[0]).toBe(15 * 60_000);

    const moved = await request(app.getHttpServer())
      .post(`/v1/appointments/${a.id}/reschedule`)
      .set(sched)
      .send({ startsAt: at(DAY, '13:00') });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: a.id, status: 'booked', startsAt: at(DAY, '13:00') });
    const [{ version }] = await ds.query<{ version: number }[]>('SELECT version FROM appointment WHERE id = $1', [a.id]);
    expect(version).toBeGreaterThan(1);

    const cancelled = await request(app.getHttpServer())
      .post(`/v1/appointments/${a.id}/cancel`)
      .set(sched)
      .send({ reason: 'patient request' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');

    const again = await request(app.getHttpServer()).post(`/v1/appointments/${a.id}/cancel`).set(sched).send({ reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('cancelled');
    const move = await request(app.getHttpServer())
      .post(`/v1/appointments/${a.id}/reschedule`)
      .set(sched)
      .send({ startsAt: at(DAY, '14:00') });
    expect(move.status).toBe(409);
    expect(move.body.currentStatus).toBe('cancelled');
  });

  it('the database refuses an overlapping visit of the same patient (23P01 → patient-busy)', async () => {
    const p = await seedPatient(ds, clinic.id);
    // A consult first: two infusions of one patient on one day are already refused by the rest
    // day (422) before the database sees them; a consult and an infusion are not.
    expect((await book({ patientId: p, kind: 'intake', startsAt: at('2027-03-05', '09:00') })).status).toBe(201);
    const before = await countRows(ds, 'appointment', clinic.id);
    const res = await book({ patientId: p, startsAt: at('2027-03-05', '09:30') });
    expect(res.status).toBe(409);
    expect(res.body.conflicts).toEqual([{ startsAt: at('2027-03-05', '09:30'), reason: 'patient-busy' }]);
    expect(await countRows(ds, 'appointment', clinic.id)).toBe(before);
  });

  it('reschedule runs the registered guards inside its transaction (422, nothing moved)', async () => {
    const res = await book({ startsAt: at('2027-03-06', '09:00') });
    expect(res.status).toBe(201);
    const guards = app.get(RescheduleGuards);
    let seen: string | null = null;
    guards.register(async (_em, appt, newStart) => {
      if (appt.id !== res.body.id) return;
      seen = newStart.toISOString();
      throw new DomainError('rule-violation', 'The move breaks the protocol', { violations: [{ code: 'spacing' }] });
    });
    const moved = await request(app.getHttpServer())
      .post(`/v1/appointments/${res.body.id}/reschedule`)
      .set(sched)
      .send({ startsAt: at('2027-03-06', '11:00') });
    expect(moved.status).toBe(422);
    expect(moved.body.violations).toEqual([{ code: 'spacing' }]);
    expect(seen).toBe(at('2027-03-06', '11:00'));
    const [row] = await ds.query<{ starts_at: Date }[]>('SELECT starts_at FROM appointment WHERE id = $1', [res.body.id]);
    expect(row.starts_at.toISOString()).toBe(at('2027-03-06', '09:00'));
  });

  it('reschedule onto a taken chair is 409 naming the conflict; the visit keeps its time', async () => {
    // Its own patient: the shared one has an infusion the day before (the rest day would refuse).
    const first = await book({
      patientId: await seedPatient(ds, clinic.id),
      startsAt: at('2027-03-07', '09:00'),
      chairId: clinic.chairIds[0],
    });
    const second = await book({
      patientId: await seedPatient(ds, clinic.id),
      startsAt: at('2027-03-07', '12:00'),
      chairId: clinic.chairIds[1],
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    const res = await request(app.getHttpServer())
      .post(`/v1/appointments/${second.body.id}/reschedule`)
      .set(sched)
      .send({ startsAt: at('2027-03-07', '09:30'), chairId: clinic.chairIds[0] });
    expect(res.status).toBe(409);
    expect(res.body.conflicts[0].reason).toBe('chair-busy');
    expect((await request(app.getHttpServer()).get(`/v1/appointments/${second.body.id}`).set(sched)).body.startsAt).toBe(
      at('2027-03-07', '12:00'),
    );
  });

  it('Idempotency-Key: the same key and body replays; another body is 422', async () => {
    const p = await seedPatient(ds, clinic.id);
    const body = { patientId: p, clinicId: clinic.id, kind: 'iv-infusion', startsAt: at('2027-03-10', '09:00') };
    const send = (b: object) => request(app.getHttpServer()).post('/v1/appointments').set(sched).set('Idempotency-Key', `k-${p}`).send(b);
    const first = await send(body);
    const replay = await send(body);
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.body).toEqual(first.body);
    const mismatch = await send({ ...body, startsAt: at('2027-03-10', '11:00') });
    expect(mismatch.status).toBe(422);
    const [{ n }] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM appointment WHERE patient_id = $1', [p]);
    expect(Number(n)).toBe(1);
  });

  it('no-show only after the start; then terminal', async () => {
    const res = await book({ startsAt: at(DAY, '08:00') });
    expect(res.status).toBe(201);
    const nurse = asStaff(app, Role.Nurse, clinic.id);
    const early = await request(app.getHttpServer()).post(`/v1/appointments/${res.body.id}/no-show`).set(nurse);
    expect(early.status).toBe(409);
    clock.set(Date.parse(at(DAY, '08:30')));
    const ok = await request(app.getHttpServer()).post(`/v1/appointments/${res.body.id}/no-show`).set(nurse);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('no-show');
    const cancel = await request(app.getHttpServer()).post(`/v1/appointments/${res.body.id}/cancel`).set(sched).send({ reason: 'late' });
    expect(cancel.status).toBe(409);
    expect(cancel.body.currentStatus).toBe('no-show');
  });

  it('a patient books for themself only, and cannot cancel inside the notice period', async () => {
    const me = asPatient(app, patientId, clinic.id);
    const someoneElse = await seedPatient(ds, clinic.id);
    const refused = await book({ patientId: someoneElse, startsAt: at(DAY, '15:00') }, me);
    expect(refused.status).toBe(404);
    const own = await book({ startsAt: at('2027-03-02', '09:00') }, me);
    expect(own.status).toBe(201);
    clock.set(Date.parse(at('2027-03-01', '12:00')));
    const late = await request(app.getHttpServer()).post(`/v1/appointments/${own.body.id}/cancel`).set(me).send({ reason: 'sick' });
    expect(late.status).toBe(422);
    const other = bearer(app, { role: Role.Patient, patientId: someoneElse, clinicIds: [clinic.id] });
    expect((await request(app.getHttpServer()).get(`/v1/appointments/${own.body.id}`).set(other)).status).toBe(404);
  });

  it('an expired hold (inserted directly) does not block a booking', async () => {
    const start = at(DAY, '16:00');
    for (const chairId of clinic.chairIds) {
      await ds.query(
        `INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, hold_expires_at)
         VALUES ($1, $2, 'iv-infusion', $3, $4::timestamptz, $4::timestamptz + interval '80 minutes', $4::timestamptz + interval '90 minutes',
                 tstzrange($4::timestamptz, $4::timestamptz + interval '90 minutes', '[)'), tstzrange($4::timestamptz, $4::timestamptz + interval '80 minutes', '[)'),
                 'held', $5)`,
        [clinic.id, await seedPatient(ds, clinic.id), chairId, start, new Date(NOW - 60_000)],
      );
    }
    // Its own patient: the shared one has infusions earlier the same day (the rest day would refuse).
    const booker = await seedPatient(ds, clinic.id);
    const res = await book({ patientId: booker, startsAt: start });
    expect(res.status).toBe(201);
    // The booking transaction swept the expired holds in its chair time under its clinic-time locks.
    const rows = await ds.query<{ status: string; cancel_reason: string | null }[]>(
      `SELECT status, cancel_reason FROM appointment WHERE clinic_id = $1 AND starts_at = $2 AND patient_id <> $3`,
      [clinic.id, start, booker],
    );
    expect(rows).toHaveLength(clinic.chairIds.length);
    expect(rows.every((r) => r.status === 'cancelled' && r.cancel_reason === 'hold-expired')).toBe(true);
  });

  it('a hold blocks availability until the frozen clock passes its expiry (no job needed)', async () => {
    const date = '2027-03-08';
    const start = at(date, '17:00');
    for (const chairId of clinic.chairIds) {
      await ds.query(
        `INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, hold_expires_at)
         VALUES ($1, $2, 'iv-infusion', $3, $4::timestamptz, $4::timestamptz + interval '80 minutes', $4::timestamptz + interval '90 minutes',
                 tstzrange($4::timestamptz, $4::timestamptz + interval '90 minutes', '[)'), tstzrange($4::timestamptz, $4::timestamptz + interval '80 minutes', '[)'),
                 'held', $5)`,
        [clinic.id, await seedPatient(ds, clinic.id), chairId, start, new Date(NOW + 5 * 60_000)],
      );
    }
    const offered = async () => {
      const res = await request(app.getHttpServer())
        .get(`/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=${date}&to=${date}`)
        .set(sched);
      expect(res.status).toBe(200);
      return (res.body.slots as { startsAt: string }[]).some((x) => x.startsAt === start);
    };
    expect(await offered()).toBe(false);
    clock.advance(5 * 60_000);
    expect(await offered()).toBe(true);
  });

  it('lists page by start with a cursor; patients see only their own visits', async () => {
    const p = await seedPatient(ds, clinic.id);
    // Consults: three infusions of one patient on one day would break the rest day.
    for (const t of ['09:00', '11:00', '13:00']) {
      expect((await book({ patientId: p, kind: 'intake', startsAt: at('2027-03-09', t) })).status).toBe(201);
    }
    const first = await request(app.getHttpServer()).get(`/v1/appointments?patientId=${p}&limit=2`).set(sched);
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { startsAt: string }) => a.startsAt)).toEqual([at('2027-03-09', '09:00'), at('2027-03-09', '11:00')]);
    const second = await request(app.getHttpServer())
      .get(`/v1/appointments?patientId=${p}&limit=2&cursor=${first.body.nextCursor}`)
      .set(sched);
    expect(second.body.items.map((a: { startsAt: string }) => a.startsAt)).toEqual([at('2027-03-09', '13:00')]);
    expect(second.body.nextCursor).toBeNull();
    const mine = await request(app.getHttpServer())
      .get('/v1/appointments?limit=200')
      .set(asPatient(app, p, clinic.id));
    expect(mine.body.items).toHaveLength(3);
    expect(mine.body.items.every((a: { patientId: string }) => a.patientId === p)).toBe(true);
    const foreign = await request(app.getHttpServer()).get(`/v1/appointments?clinicId=${other.id}`).set(sched);
    expect(foreign.status).toBe(404);
    expect((await request(app.getHttpServer()).get('/v1/appointments?cursor=garbage').set(sched)).status).toBe(400);
    // A bare time or date is the named clinic's local time: 10:00 and 13:00 New York bound the
    // 11:00 visit only if read there (in UTC, 10:00–13:00 would hold none of the three).
    const window = await request(app.getHttpServer())
      .get(`/v1/appointments?clinicId=${clinic.id}&patientId=${p}&from=2027-03-09T10:00&to=2027-03-09T13:00`)
      .set(sched);
    expect(window.status).toBe(200);
    expect(window.body.items.map((a: { startsAt: string }) => a.startsAt)).toEqual([at('2027-03-09', '11:00')]);
    const day = await request(app.getHttpServer())
      .get(`/v1/appointments?clinicId=${clinic.id}&patientId=${p}&from=2027-03-09&to=2027-03-10`)
      .set(sched);
    expect(day.body.items).toHaveLength(3);
    // Without a clinic there is no zone to read a bare value in: 400 naming it.
    const bare = await request(app.getHttpServer()).get(`/v1/appointments?patientId=${p}&from=2027-03-09T10:00`).set(sched);
    expect(bare.status).toBe(400);
    expect(bare.body.errors.map((e: { path: string }) => e.path)).toEqual(['from']);
    const instant = await request(app.getHttpServer())
      .get(`/v1/appointments?patientId=${p}&from=${encodeURIComponent('2027-03-09T10:00:00-05:00')}`)
      .set(sched);
    expect(instant.body.items.map((a: { startsAt: string }) => a.startsAt)).toEqual([at('2027-03-09', '11:00'), at('2027-03-09', '13:00')]);
  });

  it('a start in a DST gap is 400 and the gap offers no slot', async () => {
    const dst = await seedClinic(ds, { fromDate: '2027-03-13', days: 2, opens: '00:00', closes: '06:00', chairs: 1, nurses: 1 });
    const p = await seedPatient(ds, dst.id);
    const s = asStaff(app, Role.Scheduler, dst.id);
    const slots = await request(app.getHttpServer())
      .get(`/v1/clinics/${dst.id}/availability?kind=im-injection&from=2027-03-14&to=2027-03-14`)
      .set(s);
    expect(slots.status).toBe(200);
    const walls = (slots.body.slots as { startsAt: string }[]).map((x) =>
      new Date(x.startsAt).toLocaleTimeString('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }),
    );
    expect(walls.length).toBeGreaterThan(0);
    expect(walls.some((w) => w >= '02:00' && w < '03:00')).toBe(false);
    const before = await countRows(ds, 'appointment', dst.id);
    const res = await request(app.getHttpServer())
      .post('/v1/appointments')
      .set(s)
      .send({ patientId: p, clinicId: dst.id, kind: 'im-injection', startsAt: '2027-03-14T02:30' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('startsAt');
    expect(await countRows(ds, 'appointment', dst.id)).toBe(before);
  });
});

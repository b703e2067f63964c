import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { Appointment } from '@chairtime/scheduling/entities';
import { asPatient, asStaff } from '../support/auth';
import { countRows, newAppointment, newClinic, newPatient, startClinicalApi } from '../support/clinical-factories';

const NOW = Date.parse('2027-03-02T13:00:00Z');
const MIN = 60_000;

describe('day of treatment (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof request>;
  let clinicId: string;

  beforeAll(async () => {
    app = await startClinicalApi(clock);
    ds = app.get(DataSource);
    http = request(app.getHttpServer());
    clinicId = (await newClinic(ds)).id;
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  const nurse = () => asStaff(app, Role.Nurse, clinicId);
  async function visit(status: Appointment['status'] = 'booked', kind = 'iv-infusion'): Promise<string> {
    const patient = await newPatient(ds, clinicId);
    return (await newAppointment(ds, { clinicId, patientId: patient.id, kind, startsAt: new Date(NOW + 30 * MIN), status })).id;
  }
  const vitals = (id: string, body: Record<string, unknown>) =>
    http
      .post(`/v1/appointments/${id}/vitals`)
      .set(nurse())
      .send({ phase: 'pre', systolic: 120, diastolic: 80, heartRate: 70, spo2: 98, ...body });

  it('high BP: first failure, re-check too early → 409, re-check after 15 min → vitals-hold and a task', async () => {
    const id = await visit();
    const checkIn = await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    expect(checkIn.body.status).toBe('checked-in');

    const first = await vitals(id, { systolic: 160, diastolic: 100 }).expect(201);
    expect(first.body).toMatchObject({ accepted: false, status: 'checked-in' });
    expect(first.body.recheckAfter).toBe(new Date(NOW + 15 * MIN).toISOString());

    clock.advance(10 * MIN);
    const early = await vitals(id, { systolic: 150, diastolic: 90 }).expect(409);
    expect(early.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(early.body.currentStatus).toBe('checked-in');
    expect(await ds.query('SELECT count(*)::int AS n FROM vitals_reading WHERE appointment_id = $1', [id])).toEqual([{ n: 1 }]);

    clock.advance(5 * MIN);
    const second = await vitals(id, { systolic: 162, diastolic: 95 }).expect(201);
    expect(second.body).toMatchObject({ accepted: false, status: 'vitals-hold' });

    const tasks = await http
      .get('/v1/tasks')
      .query({ clinicId, kind: 'vitals-hold', status: 'open' })
      .set(asStaff(app, Role.Clinician, clinicId))
      .expect(200);
    expect(tasks.body).toEqual([expect.objectContaining({ kind: 'vitals-hold', appointmentId: id, status: 'open', priority: 'high' })]);
    // A held visit cannot start.
    const start = await http.post(`/v1/appointments/${id}/start`).set(nurse()).expect(409);
    expect(start.body.currentStatus).toBe('vitals-hold');
  });

  it('vitals OK → start → early discharge 409 → discharge after recovery with hand-off', async () => {
    const id = await visit();
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    // Starting without an accepted pre reading is refused.
    expect((await http.post(`/v1/appointments/${id}/start`).set(nurse()).expect(409)).body.reason).toBe('pre-vitals-missing');
    expect((await vitals(id, {}).expect(201)).body).toMatchObject({ accepted: true, status: 'checked-in' });
    const started = await http.post(`/v1/appointments/${id}/start`).set(nurse()).expect(200);
    expect(started.body).toMatchObject({ status: 'in-treatment', startedAt: new Date(NOW).toISOString() });

    clock.advance(30 * MIN);
    await vitals(id, { phase: 'post' }).expect(201);
    const early = await http
      .post(`/v1/appointments/${id}/discharge`)
      .set(nurse())
      .send({ rideHandoff: { name: 'Sam Driver' } })
      .expect(409);
    expect(early.body).toMatchObject({ currentStatus: 'in-treatment', violations: ['recovery-not-complete'] });

    clock.advance(40 * MIN); // 40 min infusion + 30 min recovery
    const noHandoff = await http.post(`/v1/appointments/${id}/discharge`).set(nurse()).send({}).expect(409);
    expect(noHandoff.body.violations).toEqual(['ride-handoff-missing']);
    const done = await http
      .post(`/v1/appointments/${id}/discharge`)
      .set(nurse())
      .send({ rideHandoff: { name: 'Sam Driver' } })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'discharged', dischargedAt: new Date(NOW + 70 * MIN).toISOString() });

    const effects = await http
      .post(`/v1/appointments/${id}/side-effects`)
      .set(nurse())
      .send({ effects: [{ name: 'nausea', severity: 'mild' }] })
      .expect(201);
    expect(effects.body.effects).toEqual([expect.objectContaining({ name: 'nausea', severity: 'mild' })]);
  });

  it('bad input is problem+json and writes nothing', async () => {
    const id = await visit();
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    const before = await countRows(ds, 'vitals_reading');
    const sys = await vitals(id, { systolic: 500 }).expect(400);
    expect(sys.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'systolic' })]));
    const spo2 = await vitals(id, { spo2: 130 }).expect(400);
    expect(spo2.body.errors).toEqual([expect.objectContaining({ path: 'spo2' })]);
    expect(spo2.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await countRows(ds, 'vitals_reading')).toBe(before);

    const neverStarted = await visit();
    await http.post(`/v1/appointments/${neverStarted}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    const discharge = await http
      .post(`/v1/appointments/${neverStarted}/discharge`)
      .set(nurse())
      .send({ rideHandoff: { name: 'Sam' } })
      .expect(409);
    expect(discharge.body.currentStatus).toBe('checked-in');

    const cancelled = await visit('cancelled');
    const auditBefore = await countRows(ds, 'audit_entry');
    const checkIn = await http.post(`/v1/appointments/${cancelled}/check-in`).set(nurse()).send({ intoxicated: false }).expect(409);
    expect(checkIn.body).toMatchObject({ status: 409, currentStatus: 'cancelled' });
    expect((await ds.getRepository(Appointment).findOneByOrFail({ id: cancelled })).status).toBe('cancelled');
    expect(await countRows(ds, 'audit_entry')).toBe(auditBefore);

    const badEffects = await http
      .post(`/v1/appointments/${neverStarted}/side-effects`)
      .set(nurse())
      .send({ effects: [{ name: 'headache', severity: 'mild' }] })
      .expect(400);
    expect(badEffects.body.errors).toEqual([expect.objectContaining({ path: 'effects[0].name' })]);
  });

  it('intoxicated attestation: 422, visit stays booked, an intoxicated task is raised', async () => {
    const id = await visit();
    const res = await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: true }).expect(422);
    expect(res.body.reason).toBe('intoxicated');
    expect((await ds.getRepository(Appointment).findOneByOrFail({ id })).status).toBe('booked');
    const tasks = (await ds.query("SELECT kind FROM task WHERE appointment_id = $1 AND status = 'open'", [id])) as { kind: string }[];
    expect(tasks).toEqual([{ kind: 'intoxicated' }]);
    // A retry raises no second task (partial unique index per kind and appointment).
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: true }).expect(422);
    expect(await ds.query('SELECT count(*)::int AS n FROM task WHERE appointment_id = $1', [id])).toEqual([{ n: 1 }]);
  });

  it('ride: confirmed needs driver name and E.164 phone; staff of another clinic get 404', async () => {
    const id = await visit();
    const bad = await http
      .put(`/v1/appointments/${id}/ride`)
      .set(nurse())
      .send({ status: 'confirmed', driverName: 'Alex', driverPhone: '555-1234' })
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'driverPhone' })]);
    const ok = await http
      .put(`/v1/appointments/${id}/ride`)
      .set(nurse())
      .send({ status: 'confirmed', driverName: 'Alex', driverPhone: '+15551234567' })
      .expect(200);
    expect(ok.body.ride).toEqual({ status: 'confirmed', driverName: 'Alex', driverPhone: '+15551234567' });
    const other = (await newClinic(ds)).id;
    await http
      .put(`/v1/appointments/${id}/ride`)
      .set(asStaff(app, Role.Nurse, other))
      .send({ status: 'rideshare' })
      .expect(404);
    // The patient may update their own visit's ride, never another patient's, and may not check in.
    const { patientId } = await ds.getRepository(Appointment).findOneByOrFail({ id });
    await http
      .put(`/v1/appointments/${id}/ride`)
      .set(asPatient(app, patientId, clinicId))
      .send({ status: 'rideshare' })
      .expect(200);
    const stranger = await newPatient(ds, clinicId);
    await http
      .put(`/v1/appointments/${id}/ride`)
      .set(asPatient(app, stranger.id, clinicId))
      .send({ status: 'needs-help' })
      .expect(404);
    await http
      .post(`/v1/appointments/${id}/check-in`)
      .set(asPatient(app, patientId, clinicId))
      .send({ intoxicated: false })
      .expect(403);
  });

  it('spravato: 120-min observation and the 40-min reading; a rems-form-due task until the form is filed', async () => {
    const patient = await newPatient(ds, clinicId, { remsEnrollmentId: 'REMS-1', remsEnrolledOn: '2027-01-01' });
    const id = (await newAppointment(ds, { clinicId, patientId: patient.id, kind: 'spravato', startsAt: new Date(NOW + 30 * MIN) })).id;
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    await vitals(id, {}).expect(201);
    await http.post(`/v1/appointments/${id}/start`).set(nurse()).expect(200);
    clock.advance(20 * MIN);
    await vitals(id, { phase: 'during' }).expect(201);
    clock.advance(110 * MIN); // 10 min treatment + 120 min recovery (the seeded spravato kind)
    await vitals(id, { phase: 'post' }).expect(201);
    const done = await http
      .post(`/v1/appointments/${id}/discharge`)
      .set(nurse())
      .send({ rideHandoff: { name: 'Kim' } })
      .expect(200);
    expect(done.body.status).toBe('discharged');
    const [task] = (await ds.query("SELECT id, status, due_at FROM task WHERE appointment_id = $1 AND kind = 'rems-form-due'", [id])) as {
      id: string;
      status: string;
      due_at: Date;
    }[];
    expect(task.status).toBe('open');
    // 7 local days after the session day (2027-03-02 New York), end of day.
    expect(task.due_at.toISOString()).toBe('2027-03-10T04:59:59.999Z');
    const form = {
      doseMg: 56,
      devices: 2,
      lotNumber: 'LOT-9',
      // Clinic-local wall times (no offset), as a nurse reads them off the clock on the wall.
      firstDeviceAt: '2027-03-02T08:00',
      monitoringEndedAt: '2027-03-02T10:00',
      sedation: false,
      dissociation: true,
    };
    await http.post(`/v1/appointments/${id}/rems-form`).set(nurse()).send(form).expect(201);
    // 08:00 in New York is 13:00 UTC on that day.
    expect(await ds.query('SELECT first_device_at, monitoring_ended_at FROM rems_monitoring_form WHERE appointment_id = $1', [id])).toEqual(
      [{ first_device_at: new Date(NOW), monitoring_ended_at: new Date(NOW + 120 * MIN) }],
    );
    await http.post(`/v1/appointments/${id}/rems-form`).set(nurse()).send(form).expect(409);
    expect(await ds.query('SELECT status FROM task WHERE id = $1', [task.id])).toEqual([{ status: 'resolved' }]);
  });

  it('spravato: discharge refused before 120 min and without the post-dose reading', async () => {
    const patient = await newPatient(ds, clinicId, { remsEnrollmentId: 'REMS-2', remsEnrolledOn: '2027-01-01' });
    const id = (await newAppointment(ds, { clinicId, patientId: patient.id, kind: 'spravato', startsAt: new Date(NOW + 30 * MIN) })).id;
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(200);
    await vitals(id, {}).expect(201);
    await http.post(`/v1/appointments/${id}/start`).set(nurse()).expect(200);
    clock.advance(20 * MIN);
    await vitals(id, { phase: 'post' }).expect(201);
    clock.advance(80 * MIN); // 100 min: clinic recovery would allow it, REMS does not
    const res = await http
      .post(`/v1/appointments/${id}/discharge`)
      .set(nurse())
      .send({ rideHandoff: { name: 'Kim' } })
      .expect(409);
    expect(res.body.violations).toEqual(['recovery-not-complete', 'rems-vitals-post-dose-40']);
  });

  it('spravato: check-in refused without REMS enrollment', async () => {
    const id = await visit('booked', 'spravato');
    const res = await http.post(`/v1/appointments/${id}/check-in`).set(nurse()).send({ intoxicated: false }).expect(422);
    expect(res.body.reason).toBe('rems-patient');
  });
});

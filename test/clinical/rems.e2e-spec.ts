import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asAdmin, asStaff } from '../support/auth';
import { localIso, newClinic, newPatient, startCoursesApi } from '../support/courses-factories';

// Monday 2027-03-01 07:00 in New York.
const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';

/** Spravato REMS is a hard stop: site certification AND patient enrolment, on every path. */
describe('Spravato REMS (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    ds = app.get(DataSource);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  it('a new clinic is not certified; only an admin certifies it, and the change is audited', async () => {
    const created = await http.post('/v1/clinics').set(asAdmin(app)).send({ name: 'REMS site', timezone: ZONE }).expect(201);
    expect(created.body.settings.remsCertified).toBe(false);
    const clinicId = created.body.id as string;

    await http
      .patch(`/v1/clinics/${clinicId}`)
      .set(asStaff(app, Role.Scheduler, clinicId))
      .send({ settings: { remsCertified: true } })
      .expect(403);
    const [{ settings }] = (await ds.query('SELECT settings FROM clinic WHERE id = $1', [clinicId])) as {
      settings: { remsCertified: boolean };
    }[];
    expect(settings.remsCertified).toBe(false);

    const patched = await http
      .patch(`/v1/clinics/${clinicId}`)
      .set(asAdmin(app))
      .send({ settings: { remsCertified: true } })
      .expect(200);
    expect(patched.body.settings.remsCertified).toBe(true);
    const audit = (await ds.query(`SELECT actor_role, detail FROM audit_entry WHERE action = 'clinic.update' AND resource_id = $1`, [
      clinicId,
    ])) as { actor_role: string; detail: string }[];
    expect(audit).toEqual([{ actor_role: 'admin', detail: 'settings.remsCertified' }]);

    await http
      .patch(`/v1/clinics/${clinicId}`)
      .set(asAdmin(app))
      .send({ settings: { remsCertified: 'yes' } })
      .expect(400);
  });

  it('the database refuses a clinic whose settings do not state its certification', async () => {
    await expect(
      ds.query(`INSERT INTO clinic (name, timezone, settings) VALUES ('No REMS key', 'UTC', '{"slotMinutes": 15}'::jsonb)`),
    ).rejects.toThrow(/clinic_settings_rems_certified/);
  });

  it('check-in of a Spravato visit needs the site certified, not only the patient enrolled', async () => {
    const clinic = await newClinic(ds, { zone: ZONE, chairs: 1, fromDate: '2027-03-01', days: 3 });
    const patientId = await newPatient(ds, clinic.id, { rems: true });
    const booked = await http
      .post('/v1/appointments')
      .set(asStaff(app, Role.Scheduler, clinic.id))
      .send({ patientId, clinicId: clinic.id, kind: 'spravato', startsAt: localIso('2027-03-01', '09:00', ZONE) })
      .expect(201);
    // The site loses its certification after the booking.
    await http
      .patch(`/v1/clinics/${clinic.id}`)
      .set(asAdmin(app))
      .send({ settings: { remsCertified: false } })
      .expect(200);
    clock.set(Date.parse(localIso('2027-03-01', '08:45', ZONE)));
    const res = await http
      .post(`/v1/appointments/${booked.body.id}/check-in`)
      .set(asStaff(app, Role.Nurse, clinic.id))
      .send({ intoxicated: false })
      .expect(422);
    expect(res.body.reason).toBe('rems-site');
    const [{ status }] = (await ds.query('SELECT status FROM appointment WHERE id = $1', [booked.body.id])) as { status: string }[];
    expect(status).toBe('booked');
  });

  it('moving a Spravato visit re-checks both: the site and the patient', async () => {
    const clinic = await newClinic(ds, { zone: ZONE, chairs: 1, fromDate: '2027-03-01', days: 10 });
    const patientId = await newPatient(ds, clinic.id, { rems: true });
    const scheduler = asStaff(app, Role.Scheduler, clinic.id);
    const booked = await http
      .post('/v1/appointments')
      .set(scheduler)
      .send({ patientId, clinicId: clinic.id, kind: 'spravato', startsAt: localIso('2027-03-03', '09:00', ZONE) })
      .expect(201);
    const move = () =>
      http
        .post(`/v1/appointments/${booked.body.id}/reschedule`)
        .set(scheduler)
        .send({ startsAt: localIso('2027-03-04', '09:00', ZONE) });

    await http
      .patch(`/v1/clinics/${clinic.id}`)
      .set(asAdmin(app))
      .send({ settings: { remsCertified: false } })
      .expect(200);
    expect((await move().expect(422)).body.reason).toBe('rems-site');

    await http
      .patch(`/v1/clinics/${clinic.id}`)
      .set(asAdmin(app))
      .send({ settings: { remsCertified: true } })
      .expect(200);
    await ds.query('UPDATE patient SET rems_enrollment_id = NULL, rems_enrolled_on = NULL WHERE id = $1', [patientId]);
    expect((await move().expect(422)).body.reason).toBe('rems-patient');

    const [{ starts_at }] = (await ds.query('SELECT starts_at FROM appointment WHERE id = $1', [booked.body.id])) as { starts_at: Date }[];
    expect(starts_at.toISOString()).toBe(localIso('2027-03-03', '09:00', ZONE));
  });
});

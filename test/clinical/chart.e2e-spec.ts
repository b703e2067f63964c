import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asPatient, asStaff } from '../support/auth';
import { newAppointment, newClinic, newPatient, startClinicalApi } from '../support/clinical-factories';

const NOW = Date.parse('2027-03-02T13:00:00Z');
const MIN = 60_000;

/** `GET /v1/patients/:id/chart`: what the day recorded, read back in one request. */
describe('patient chart (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;

  beforeAll(async () => {
    app = await startClinicalApi(clock);
    ds = app.get(DataSource);
  });
  afterAll(async () => app?.close());

  it('reads back a course in progress, the day of treatment, assessments over time, check-ins, tasks', async () => {
    const clinicId = (await newClinic(ds)).id;
    const patient = await newPatient(ds, clinicId, { givenName: 'Maya', familyName: 'Chen' });
    const nurse = asStaff(app, Role.Nurse, clinicId);
    const clinician = asStaff(app, Role.Clinician, clinicId);
    const http = () => request(app.getHttpServer());

    // A course of six with two visits on record: the first treated today through the API, the second ahead.
    const [course] = await ds.query(
      `INSERT INTO course (clinic_id, patient_id, protocol_key, protocol_version, status) VALUES ($1, $2, 'iv-induction', 1, 'booked') RETURNING id`,
      [clinicId, patient.id],
    );
    const first = await newAppointment(ds, { clinicId, patientId: patient.id, startsAt: new Date(NOW + 30 * MIN) });
    const second = await newAppointment(ds, { clinicId, patientId: patient.id, startsAt: new Date(NOW + 2 * 24 * 60 * MIN) });
    await ds.query(`UPDATE appointment SET course_id = $1, sequence = CASE WHEN id = $2 THEN 1 ELSE 2 END WHERE id = ANY($3)`, [
      course.id,
      first.id,
      [first.id, second.id],
    ]);

    await http()
      .post(`/v1/patients/${patient.id}/assessments`)
      .set(clinician)
      .send({ instrument: 'PHQ-9', answers: [3, 3, 2, 2, 2, 2, 2, 2, 0] })
      .expect(201);
    await http()
      .put(`/v1/appointments/${first.id}/ride`)
      .set(nurse)
      .send({ status: 'confirmed', driverName: 'Sam', driverPhone: '+15555550100' })
      .expect(200);
    await http().post(`/v1/appointments/${first.id}/check-in`).set(nurse).send({ intoxicated: false }).expect(200);
    await http()
      .post(`/v1/appointments/${first.id}/vitals`)
      .set(nurse)
      .send({ phase: 'pre', systolic: 128, diastolic: 82, heartRate: 72, spo2: 98 })
      .expect(201);
    await http().post(`/v1/appointments/${first.id}/start`).set(nurse).expect(200);
    await http()
      .post(`/v1/appointments/${first.id}/side-effects`)
      .set(nurse)
      .send({ effects: [{ name: 'nausea', severity: 'mild' }] })
      .expect(201);
    clock.advance(2 * 60 * MIN);
    await http()
      .post(`/v1/appointments/${first.id}/vitals`)
      .set(nurse)
      .send({ phase: 'post', systolic: 124, diastolic: 80, heartRate: 70, spo2: 98 })
      .expect(201);
    await http()
      .post(`/v1/appointments/${first.id}/discharge`)
      .set(nurse)
      .send({ rideHandoff: { name: 'Sam' } })
      .expect(200);
    clock.advance(7 * 24 * 60 * MIN);
    await http()
      .post(`/v1/patients/${patient.id}/assessments`)
      .set(clinician)
      .send({ instrument: 'PHQ-9', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] })
      .expect(201);

    // The day-after check-in the patient answered through their message's link (written as the action does).
    const [msg] = await ds.query(
      `INSERT INTO message (clinic_id, patient_id, appointment_id, kind, channel, anchor, "offset", planned_at, send_at, not_after, status, sent_at)
       VALUES ($1, $2, $3, 'next-day-check-in', 'sms', 'chair-release', 'P1D', $4, $4, $4::timestamptz + interval '1 day', 'sent', $4) RETURNING id`,
      [clinicId, patient.id, first.id, new Date(NOW + 24 * 60 * MIN)],
    );
    await ds.query(
      `INSERT INTO check_in_answer (clinic_id, patient_id, appointment_id, message_id, kind, feeling, side_effects, suicidal_thoughts, answered_at)
       VALUES ($1, $2, $3, $4, 'next-day-check-in', 7, '{drowsiness}', false, $5)`,
      [clinicId, patient.id, first.id, msg.id, new Date(NOW + 25 * 60 * MIN)],
    );

    const res = await http().get(`/v1/patients/${patient.id}/chart`).set(clinician).expect(200);
    const chart = res.body;
    expect(chart.patient).toMatchObject({ id: patient.id, displayName: 'Maya Chen' });
    expect(chart.courses).toEqual([
      expect.objectContaining({
        id: course.id,
        protocol: expect.objectContaining({ key: 'iv-induction', version: 1 }),
        progress: { done: 1, total: 6 },
        visits: [
          expect.objectContaining({
            id: first.id,
            sequence: 1,
            status: 'discharged',
            vitals: [expect.objectContaining({ phase: 'pre', systolic: 128, accepted: true }), expect.objectContaining({ phase: 'post' })],
            sideEffects: [expect.objectContaining({ name: 'nausea', severity: 'mild' })],
          }),
          expect.objectContaining({ id: second.id, sequence: 2, status: 'booked', vitals: [], sideEffects: [] }),
        ],
      }),
    ]);
    expect(chart.assessments).toEqual([
      expect.objectContaining({ instrument: 'PHQ-9', score: 18, changeFromBaseline: null, response: false }),
      expect.objectContaining({ instrument: 'PHQ-9', score: 8, changeFromBaseline: -10, response: true, remission: false }),
    ]);
    expect(chart.otherVisits).toEqual([]);
    expect(chart.checkIns).toEqual([
      expect.objectContaining({
        kind: 'next-day-check-in',
        appointmentId: first.id,
        feeling: 7,
        sideEffects: ['drowsiness'],
        suicidalThoughts: false,
      }),
    ]);
    expect(chart.messages).toEqual([expect.objectContaining({ id: msg.id, kind: 'next-day-check-in', status: 'sent' })]);
    expect(chart.screenings).toEqual([]);

    // Who may read it: the clinic's nurses and clinicians; not a scheduler, another clinic or the patient.
    await http().get(`/v1/patients/${patient.id}/chart`).set(nurse).expect(200);
    await http()
      .get(`/v1/patients/${patient.id}/chart`)
      .set(asStaff(app, Role.Scheduler, clinicId))
      .expect(403);
    const other = await newClinic(ds);
    await http()
      .get(`/v1/patients/${patient.id}/chart`)
      .set(asStaff(app, Role.Clinician, other.id))
      .expect(404);
    const own = await http()
      .get(`/v1/patients/${patient.id}/chart`)
      .set(asPatient(app, patient.id, clinicId));
    expect(own.status).toBe(403);
    const [audit] = await ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'patient.chart' AND patient_id = $1`, [
      patient.id,
    ]);
    expect(audit.n).toBe(2);
  });
});

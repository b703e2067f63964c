import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { SCREENING_GATE, ScreeningGate } from '@chairtime/clinical';
import { asAdmin, asPatient, asStaff } from '../support/auth';
import { countRows, newClinic, newPatient, startClinicalApi } from '../support/clinical-factories';

const NOW = Date.parse('2027-03-02T13:00:00Z');
const PHQ9_OK = [1, 1, 1, 1, 1, 1, 1, 1, 0];
const screeningBody = (over: Record<string, unknown> = {}) => ({
  diagnoses: ['major-depressive-disorder'],
  antidepressantTrialsFailed: 3,
  systolic: 120,
  diastolic: 80,
  relativeFlags: [],
  phq9: [2, 2, 2, 2, 2, 2, 2, 2, 0],
  ...over,
});

describe('patients, screening and outcomes (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof request>;
  let clinicId: string;

  beforeAll(async () => {
    app = await startClinicalApi(clock);
    ds = app.get(DataSource);
    http = request(app.getHttpServer());
    clinicId = (await newClinic(ds, { requireScreeningApproval: true })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  const scheduler = () => asStaff(app, Role.Scheduler, clinicId);
  const clinician = () => asStaff(app, Role.Clinician, clinicId);

  it("creates a patient (clinicId defaults to the staff member's clinic), audits it, and validates fields", async () => {
    const auditBefore = await countRows(ds, 'audit_entry');
    const res = await http
      .post('/v1/patients')
      .set(scheduler())
      .send({
        givenName: 'Ada',
        familyName: 'Test',
        birthDate: '1985-06-01',
        phone: '+15551230000',
        timezone: 'America/Chicago',
        contactPreference: 'sms',
        consent: { sms: true, email: false },
      })
      .expect(201);
    expect(res.body).toMatchObject({ clinicId, contactPreference: 'sms', remsEnrollment: null });
    expect(await countRows(ds, 'audit_entry')).toBe(auditBefore + 1);

    const before = await countRows(ds, 'patient');
    const bad = await http
      .post('/v1/patients')
      .set(scheduler())
      .send({
        givenName: 'Ada',
        familyName: 'Test',
        birthDate: '2099-01-01',
        timezone: 'Mars/Base',
        contactPreference: 'email',
        consent: { sms: true, email: false },
      })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['birthDate', 'email', 'timezone']);
    const badPhone = await http
      .post('/v1/patients')
      .set(scheduler())
      .send({
        givenName: 'A',
        familyName: 'B',
        birthDate: '1990-02-30',
        phone: '5551234',
        contactPreference: 'sms',
        consent: { sms: true, email: false },
      })
      .expect(400);
    expect(badPhone.body.errors).toEqual([expect.objectContaining({ path: 'phone' })]);
    const old = await http
      .post('/v1/patients')
      .set(scheduler())
      .send({
        givenName: 'A',
        familyName: 'B',
        birthDate: '1850-01-01',
        contactPreference: 'email',
        email: 'a@b.example',
        consent: { sms: false, email: true },
      })
      .expect(400);
    expect(old.body.errors).toEqual([{ path: 'birthDate', message: 'must be in 1900 or later' }]);
    // Admins must name the clinic.
    await http
      .post('/v1/patients')
      .set(asAdmin(app))
      .send({
        givenName: 'A',
        familyName: 'B',
        birthDate: '1990-01-01',
        phone: '+15551230000',
        contactPreference: 'sms',
        consent: { sms: true, email: false },
      })
      .expect(400);
    expect(await countRows(ds, 'patient')).toBe(before);
  });

  it('patient A reading patient B → 404; a patient may change contact details but not their name', async () => {
    const a = await newPatient(ds, clinicId);
    const b = await newPatient(ds, clinicId);
    await http
      .get(`/v1/patients/${b.id}`)
      .set(asPatient(app, a.id, clinicId))
      .expect(404);
    const audited = (await ds.query("SELECT outcome FROM audit_entry WHERE action = 'patient.read' AND resource_id = $1", [
      b.id,
    ])) as unknown[];
    expect(audited).toEqual([{ outcome: 'not-found' }]);
    expect(
      (
        await http
          .get(`/v1/patients/${a.id}`)
          .set(asPatient(app, a.id, clinicId))
          .expect(200)
      ).body.id,
    ).toBe(a.id);
    await http
      .patch(`/v1/patients/${a.id}`)
      .set(asPatient(app, a.id, clinicId))
      .send({ email: 'a@example.test', contactPreference: 'email' })
      .expect(200);
    await http
      .patch(`/v1/patients/${a.id}`)
      .set(asPatient(app, a.id, clinicId))
      .send({ familyName: 'Other' })
      .expect(403);
    const other = (await newClinic(ds)).id;
    await http
      .get(`/v1/patients/${a.id}`)
      .set(asStaff(app, Role.Nurse, other))
      .expect(404);
    const typo = await http
      .put(`/v1/patients/${a.id}/rems-enrollment`)
      .set(scheduler())
      .send({ enrollmentId: 'REMS-123', enrolledOn: '0001-02-01' })
      .expect(400);
    expect(typo.body.errors).toEqual([{ path: 'enrolledOn', message: 'enrolledOn must fall in the years 2000–2099' }]);
    const rems = await http
      .put(`/v1/patients/${a.id}/rems-enrollment`)
      .set(scheduler())
      .send({ enrollmentId: 'REMS-123', enrolledOn: '2027-02-01' })
      .expect(200);
    expect(rems.body.remsEnrollment).toEqual({ enrollmentId: 'REMS-123', enrolledOn: '2027-02-01' });
  });

  it('screening gate: ineligible (schizophrenia) cannot be approved; approved passes the gate', async () => {
    const gate = app.get<ScreeningGate>(SCREENING_GATE);
    const p = await newPatient(ds, clinicId);
    await expect(gate.assertEligible(ds.manager, p.id, clinicId)).rejects.toMatchObject({ code: 'rule-violation' });

    const inel = await http
      .post(`/v1/patients/${p.id}/screenings`)
      .set(scheduler())
      .send(screeningBody({ diagnoses: ['schizophrenia'] }))
      .expect(201);
    expect(inel.body).toMatchObject({ status: 'ineligible', contraindications: ['psychotic-disorder'] });
    const refused = await http
      .post(`/v1/screenings/${inel.body.id}/decision`)
      .set(clinician())
      .send({ decision: 'approved', note: 'x' })
      .expect(422);
    expect(refused.body.reason).toBe('contraindication');
    await http.post(`/v1/screenings/${inel.body.id}/decision`).set(scheduler()).send({ decision: 'approved' }).expect(403);
    await expect(gate.assertEligible(ds.manager, p.id, clinicId)).rejects.toMatchObject({ code: 'rule-violation' });

    const ok = await http.post(`/v1/patients/${p.id}/screenings`).set(scheduler()).send(screeningBody()).expect(201);
    expect(ok.body).toMatchObject({ status: 'pending-review', contraindications: [], indications: ['treatment-resistant-depression'] });
    await expect(gate.assertEligible(ds.manager, p.id, clinicId)).rejects.toMatchObject({ code: 'rule-violation' });
    const approved = await http
      .post(`/v1/screenings/${ok.body.id}/decision`)
      .set(clinician())
      .send({ decision: 'approved', note: 'fine' })
      .expect(200);
    expect(approved.body.status).toBe('approved');
    await expect(gate.assertEligible(ds.manager, p.id, clinicId)).resolves.toBeUndefined();
    // Each screening's PHQ-9 was stored as an assessment; the first one is the baseline.
    const list = await http.get(`/v1/patients/${p.id}/assessments`).set(clinician()).expect(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.map((a: { changeFromBaseline: number | null }) => a.changeFromBaseline).sort()).toEqual([0, null]);
  });

  it('screening: unknown codes are 400 naming the path, nothing written', async () => {
    const p = await newPatient(ds, clinicId);
    const before = await countRows(ds, 'screening');
    const res = await http
      .post(`/v1/patients/${p.id}/screenings`)
      .set(scheduler())
      .send(screeningBody({ diagnoses: ['major-depressive-disorder', 'flu'] }))
      .expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'diagnoses[1]' })]);
    expect(await countRows(ds, 'screening')).toBe(before);
  });

  it('assessment with item 9 = 1 → the safety task exists when the response returns', async () => {
    const p = await newPatient(ds, clinicId);
    const base = await http
      .post(`/v1/patients/${p.id}/assessments`)
      .set(asPatient(app, p.id, clinicId))
      .send({ instrument: 'PHQ-9', answers: [3, 3, 3, 3, 2, 2, 2, 2, 0] })
      .expect(201);
    expect(base.body).toMatchObject({
      score: 20,
      severity: 'severe',
      item9Positive: false,
      changeFromBaseline: null,
      response: false,
      remission: false,
    });

    const res = await http
      .post(`/v1/patients/${p.id}/assessments`)
      .set(asPatient(app, p.id, clinicId))
      .send({ instrument: 'PHQ-9', answers: [1, 1, 1, 1, 1, 1, 1, 1, 1] })
      .expect(201);
    expect(res.body).toMatchObject({ score: 9, item9Positive: true, changeFromBaseline: -11, response: true, remission: false });
    const tasks = (await ds.query("SELECT kind, priority, assignee_role FROM task WHERE patient_id = $1 AND status = 'open'", [
      p.id,
    ])) as unknown[];
    expect(tasks).toEqual([{ kind: 'safety-escalation', priority: 'urgent', assignee_role: 'clinician' }]);
    const listed = await http.get('/v1/tasks').query({ clinicId, kind: 'safety-escalation' }).set(clinician()).expect(200);
    const task = (listed.body as { id: string; patientId: string }[]).find((t) => t.patientId === p.id);
    expect(task).toBeDefined();
    await http.post(`/v1/tasks/${task!.id}/acknowledge`).set(clinician()).expect(200);
    const resolved = await http.post(`/v1/tasks/${task!.id}/resolve`).set(clinician()).send({ note: 'called' }).expect(200);
    expect(resolved.body.status).toBe('resolved');
    await http.post(`/v1/tasks/${task!.id}/acknowledge`).set(clinician()).expect(409);
  });

  it('assessment bad input: out of range and wrong count → 400, nothing written', async () => {
    const p = await newPatient(ds, clinicId);
    const before = await countRows(ds, 'assessment');
    const range = await http
      .post(`/v1/patients/${p.id}/assessments`)
      .set(scheduler())
      .send({ instrument: 'PHQ-9', answers: [0, 0, 0, 4, 0, 0, 0, 0, 0] })
      .expect(400);
    expect(range.body.errors).toEqual([expect.objectContaining({ path: 'answers[3]' })]);
    const count = await http
      .post(`/v1/patients/${p.id}/assessments`)
      .set(scheduler())
      .send({ instrument: 'GAD-7', answers: PHQ9_OK })
      .expect(400);
    expect(count.body.errors).toEqual([expect.objectContaining({ path: 'answers' })]);
    expect(await countRows(ds, 'assessment')).toBe(before);
    expect(await countRows(ds, 'task')).toBeGreaterThanOrEqual(0);
  });

  it('the OpenAPI document lists the clinical routes', async () => {
    const doc = await http.get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/patients',
        '/v1/patients/{id}/screenings',
        '/v1/screenings/{id}/decision',
        '/v1/tasks',
        '/v1/appointments/{id}/vitals',
      ]),
    );
  });

  it('tasks: other clinics see 404 / nothing; limit is bounded', async () => {
    const other = (await newClinic(ds)).id;
    await http
      .get('/v1/tasks')
      .query({ clinicId })
      .set(asStaff(app, Role.Nurse, other))
      .expect(404);
    await http.get('/v1/tasks').query({ clinicId, limit: 500 }).set(clinician()).expect(400);
    const page = await http.get('/v1/tasks').query({ clinicId, limit: 1 }).set(clinician()).expect(200);
    expect(page.body).toHaveLength(1);
  });
});

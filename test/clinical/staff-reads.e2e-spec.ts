import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asPatient, asStaff } from '../support/auth';
import { newAppointment, newClinic, newPatient, startClinicalApi } from '../support/clinical-factories';

/** What the front desk and the clinician read: patient search, the screening queue, names on the board and tasks. */
describe('staff reads', () => {
  let app: INestApplication;
  let ds: DataSource;
  const clock = new FixedClock(Date.parse('2027-03-01T14:00:00Z'));

  beforeAll(async () => {
    app = await startClinicalApi(clock);
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  const http = () => request(app.getHttpServer());

  describe('GET /v1/patients (search)', () => {
    let clinicId: string;
    let staff: { Authorization: string };
    const people = [
      { givenName: 'Maya', familyName: 'Chen', birthDate: '1986-03-14', email: 'maya.chen@example.test', phone: '+15555550100' },
      { givenName: 'Marcus', familyName: 'Chenoweth', birthDate: '1972-07-21', email: 'mc@example.test', phone: '+15555550199' },
      { givenName: 'Daniel', familyName: 'Okafor', birthDate: '1979-11-02', email: 'dan.okafor@example.test', phone: '+15555550222' },
      { givenName: 'Ana', familyName: 'Mac_Intyre', birthDate: '1986-12-01', email: 'ana@example.test', phone: '+15555550333' },
      { givenName: 'Priya', familyName: 'Raman', birthDate: '1991-06-23', email: 'PRIYA@Example.test', phone: '+442079460000' },
    ];

    beforeAll(async () => {
      clinicId = (await newClinic(ds)).id;
      for (const p of people) await newPatient(ds, clinicId, p);
      // Another clinic's namesake never shows.
      await newPatient(ds, (await newClinic(ds)).id, { givenName: 'Maya', familyName: 'Chen' });
      staff = asStaff(app, Role.Scheduler, clinicId);
    });

    const names = async (query: string | null, extra = '') => {
      const q = query === null ? '' : `&query=${encodeURIComponent(query)}`;
      const res = await http().get(`/v1/patients?clinicId=${clinicId}${q}${extra}`).set(staff).expect(200);
      return (res.body.items as { displayName: string }[]).map((p) => p.displayName);
    };

    it('matches each word against the start of the given or family name, case-insensitively, in family-name order', async () => {
      expect(await names('ma ch')).toEqual(['Maya Chen', 'Marcus Chenoweth']);
      expect(await names('CHEN')).toEqual(['Maya Chen', 'Marcus Chenoweth']);
      expect(await names('chen maya')).toEqual(['Maya Chen']);
      expect(await names('aya')).toEqual([]);
    });

    it('matches a birth date or its start, a phone number by its digits, an email by its start', async () => {
      expect(await names('1986-03')).toEqual(['Maya Chen']);
      expect(await names('1986')).toEqual(['Maya Chen', 'Ana Mac_Intyre']);
      expect(await names('(555) 555-0100')).toEqual(['Maya Chen']);
      expect(await names('+1 555 555 01')).toEqual(['Maya Chen', 'Marcus Chenoweth']);
      expect(await names('priya@')).toEqual(['Priya Raman']);
      expect(await names('dan')).toEqual(['Daniel Okafor']);
    });

    it('takes % and _ literally', async () => {
      expect(await names('%')).toEqual([]);
      expect(await names('mac_')).toEqual(['Ana Mac_Intyre']);
      expect(await names('ma_')).toEqual([]);
    });

    it('lists every patient of the clinic page by page, each once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${cursor}` : '';
        const res = await http().get(`/v1/patients?clinicId=${clinicId}&limit=2${q}`).set(staff).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.items as { displayName: string }[]).map((p) => p.displayName));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['Maya Chen', 'Marcus Chenoweth', 'Ana Mac_Intyre', 'Daniel Okafor', 'Priya Raman']);
    });

    it('is for the clinic’s staff only, audited without what was typed', async () => {
      const other = await newClinic(ds);
      await http()
        .get(`/v1/patients?clinicId=${clinicId}`)
        .set(asStaff(app, Role.Nurse, other.id))
        .expect(404);
      const patient = await newPatient(ds, clinicId);
      const res = await http()
        .get(`/v1/patients?clinicId=${clinicId}`)
        .set(asPatient(app, patient.id, clinicId));
      expect([403, 404]).toContain(res.status);
      await http().get(`/v1/patients?clinicId=${clinicId}&cursor=not-a-cursor`).set(staff).expect(400);
      const rows: { action: string; detail: string }[] = await ds.query(
        `SELECT action, row_to_json(a)::text AS detail FROM audit_entry a WHERE clinic_id = $1 AND action = 'patient.search'`,
        [clinicId],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.detail.toLowerCase()).not.toContain('chen');
    });
  });

  describe('the screening queue', () => {
    it('lists screenings awaiting review oldest first with what the decision turns on; a decision resolves its task', async () => {
      const clinicId = (await newClinic(ds)).id;
      const nurse = asStaff(app, Role.Nurse, clinicId);
      const clinician = asStaff(app, Role.Clinician, clinicId);
      const submit = async (given: string, body: object) => {
        const p = await newPatient(ds, clinicId, { givenName: given, familyName: 'Tester' });
        const res = await http()
          .post(`/v1/patients/${p.id}/screenings`)
          .set(nurse)
          .send({
            diagnoses: ['major-depressive-disorder'],
            antidepressantTrialsFailed: 3,
            systolic: 120,
            diastolic: 80,
            relativeFlags: [],
            ...body,
          })
          .expect(201);
        return { patientId: p.id, screeningId: res.body.id as string };
      };
      const first = await submit('Alma', { phq9: [2, 2, 2, 2, 2, 2, 2, 2, 0], gad7: [1, 1, 1, 1, 1, 1, 1] });
      clock.advance(60_000);
      const second = await submit('Bea', { relativeFlags: ['pregnancy'] });
      clock.advance(60_000);
      await submit('Cy', { diagnoses: ['schizophrenia'] }); // ineligible: not in the queue

      const queue = await http().get(`/v1/screenings?clinicId=${clinicId}`).set(clinician).expect(200);
      expect(queue.body.items).toEqual([
        expect.objectContaining({
          id: first.screeningId,
          patientName: 'Alma Tester',
          status: 'pending-review',
          indications: expect.arrayContaining(['treatment-resistant-depression']),
          contraindications: [],
          phq9: { score: 16, severity: 'moderately-severe' },
          gad7: { score: 7, severity: 'mild' },
        }),
        expect.objectContaining({ id: second.screeningId, patientName: 'Bea Tester', relativeFlags: ['pregnancy'], phq9: null }),
      ]);
      const ineligible = await http().get(`/v1/screenings?clinicId=${clinicId}&status=ineligible`).set(clinician).expect(200);
      expect(ineligible.body.items).toEqual([
        expect.objectContaining({ patientName: 'Cy Tester', contraindications: ['psychotic-disorder'] }),
      ]);

      const tasks = await http().get(`/v1/tasks?clinicId=${clinicId}&status=open&kind=screening-review`).set(clinician).expect(200);
      expect((tasks.body as { patientId: string; patientName: string }[]).map((t) => t.patientName).sort()).toEqual([
        'Alma Tester',
        'Bea Tester',
      ]);

      const record = await http().get(`/v1/screenings/${first.screeningId}`).set(clinician).expect(200);
      expect(record.body).toMatchObject({
        clinicId,
        inputs: { antidepressantTrialsFailed: 3, phq9: [2, 2, 2, 2, 2, 2, 2, 2, 0] },
        decidedAt: null,
      });
      await http()
        .post(`/v1/screenings/${first.screeningId}/decision`)
        .set(clinician)
        .send({ decision: 'approved', note: 'ok' })
        .expect(200);
      const after = await http().get(`/v1/screenings?clinicId=${clinicId}`).set(clinician).expect(200);
      expect(after.body.items.map((s: { id: string }) => s.id)).toEqual([second.screeningId]);
      const open = await http().get(`/v1/tasks?clinicId=${clinicId}&status=open&kind=screening-review`).set(clinician).expect(200);
      expect(open.body.map((t: { patientId: string }) => t.patientId)).toEqual([second.patientId]);

      const other = await newClinic(ds);
      await http()
        .get(`/v1/screenings/${first.screeningId}`)
        .set(asStaff(app, Role.Clinician, other.id))
        .expect(404);
      await http()
        .get(`/v1/screenings?clinicId=${clinicId}`)
        .set(asStaff(app, Role.Clinician, other.id))
        .expect(404);
    });
  });

  it('the day board and the task list name each patient', async () => {
    const clinicId = (await newClinic(ds)).id;
    const p = await newPatient(ds, clinicId, { givenName: 'Maya', familyName: 'Chen' });
    await newAppointment(ds, { clinicId, patientId: p.id, startsAt: new Date('2027-03-01T15:00:00Z') });
    const board = await http()
      .get(`/v1/clinics/${clinicId}/board?date=2027-03-01`)
      .set(asStaff(app, Role.Nurse, clinicId))
      .expect(200);
    expect(board.body.consults).toEqual([expect.objectContaining({ patientId: p.id, patientName: 'Maya Chen' })]);
  });
});

import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEntry } from '@chairtime/audit';
import { Role } from '@chairtime/identity';
import { asPatient, asStaff } from '../support/auth';
import { newClinic, newPatient, startIdentityApi } from '../support/identity-factories';

/**
 * Tenant and patient isolation through the real feature routes: another clinic's or another
 * patient's record must be indistinguishable from a missing one (404, never 403), and every read
 * of patient data leaves an audit row.
 */
describe('tenant isolation on real routes', () => {
  let app: INestApplication;
  let ds: DataSource;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentityApi();
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  it('GET /v1/patients/:id: own clinic 200; other clinic’s staff 404; patient A reading patient B 404; all audited', async () => {
    const a = await newClinic(ds);
    const b = await newClinic(ds);
    const pa = await newPatient(ds, a.id);
    const pb = await newPatient(ds, b.id);
    const missing = '00000000-0000-4000-8000-000000000000';

    await http()
      .get(`/v1/patients/${pa.id}`)
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(200);
    const cross = await http()
      .get(`/v1/patients/${pb.id}`)
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(404);
    const none = await http()
      .get(`/v1/patients/${missing}`)
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(404);
    // Same body shape and wording as a truly missing record: nothing confirms B's patient exists.
    expect({ ...cross.body, instance: undefined }).toEqual({ ...none.body, instance: undefined });
    expect(JSON.stringify(cross.body)).not.toContain(pb.familyName);

    await http()
      .get(`/v1/patients/${pa.id}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(200);
    await http()
      .get(`/v1/patients/${pb.id}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(404);
    // A patient of the same clinic is still someone else.
    const pa2 = await newPatient(ds, a.id);
    await http()
      .get(`/v1/patients/${pa2.id}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(404);

    const reads = await ds.getRepository(AuditEntry).find({ where: [{ resourceId: pa.id }, { patientId: pa.id }] });
    expect(reads.filter((r) => r.action.endsWith('.read') && r.outcome === 'success').length).toBeGreaterThanOrEqual(2);
  });

  /** A booked visit stored directly (the booking rules are the scheduling suite's subject). */
  async function newVisit(clinicId: string, patientId: string): Promise<string> {
    const rows: { id: string }[] = await ds.query(
      `INSERT INTO appointment (clinic_id, patient_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status)
       VALUES ($1, $2, 'follow-up', $3::timestamptz, $4::timestamptz, $4::timestamptz,
               tstzrange($3::timestamptz, $4::timestamptz, '[)'), tstzrange($3::timestamptz, $4::timestamptz, '[)'), 'booked')
       RETURNING id`,
      [clinicId, patientId, '2031-03-04T15:00:00Z', '2031-03-04T15:30:00Z'],
    );
    return rows[0].id;
  }

  it('GET /v1/appointments/:id: patient A reading patient B’s visit is 404; other clinic’s staff 404', async () => {
    const a = await newClinic(ds);
    const b = await newClinic(ds);
    const pa = await newPatient(ds, a.id);
    const pb = await newPatient(ds, a.id);
    const visitA = await newVisit(a.id, pa.id);
    const visitB = await newVisit(a.id, pb.id);

    await http()
      .get(`/v1/appointments/${visitA}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(200);
    await http()
      .get(`/v1/appointments/${visitB}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(404);
    await http()
      .get(`/v1/appointments/${visitA}`)
      .set(asStaff(app, Role.Nurse, a.id))
      .expect(200);
    await http()
      .get(`/v1/appointments/${visitA}`)
      .set(asStaff(app, Role.Scheduler, b.id))
      .expect(404);
    const audited = await ds.getRepository(AuditEntry).find({ where: { resourceId: visitB } });
    expect(audited.some((r) => r.outcome === 'not-found' || r.outcome === 'denied')).toBe(true);
  });

  it('GET /v1/clinics/:clinicId/board: a scheduler of clinic A asking for clinic B’s board gets 404', async () => {
    const a = await newClinic(ds);
    const b = await newClinic(ds);
    await http()
      .get(`/v1/clinics/${a.id}/board`)
      .query({ date: '2031-03-04' })
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(200);
    await http()
      .get(`/v1/clinics/${b.id}/board`)
      .query({ date: '2031-03-04' })
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(404);
    await http()
      .get(`/v1/clinics/${b.id}/board`)
      .query({ date: '2031-03-04' })
      .set(asPatient(app, (await newPatient(ds, b.id)).id, b.id))
      .expect(403);
    const rows = await ds.getRepository(AuditEntry).find({ where: { resourceId: b.id, action: 'clinic-board.read' } });
    expect(rows.map((r) => r.outcome)).toEqual(['not-found']);
  });
});

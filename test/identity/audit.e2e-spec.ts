import { Controller, Get, INestApplication, Param, ParseUUIDPipe } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEntry, AuditPurgeService, AuditService, PurgeAuditHandler } from '@chairtime/audit';
import { Patient } from '@chairtime/clinical/entities';
import { DomainError } from '@chairtime/domain';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { assertPatientScope, AuditRead, CurrentPrincipal, Principal, Role, Roles } from '@chairtime/identity';
import { asAdmin, asPatient, asStaff, bearer } from '../support/auth';
import { newClinic, newPatient, startIdentityApi } from '../support/identity-factories';

/**
 * A patient read route as feature controllers write one: role rule, scope check answering 404,
 * and `@AuditRead` — mounted only in this test to exercise the decorator and the scope helpers.
 */
@Controller('v1/identity-probe/patients')
class PatientReadProbe {
  constructor(private readonly ds: DataSource) {}

  @Get(':id')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @AuditRead('patient', 'id')
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ id: string; clinicId: string; patientId: string }> {
    const patient = await this.ds.getRepository(Patient).findOne({ where: { id } });
    if (!patient) throw new DomainError('not-found', 'Patient not found');
    assertPatientScope(p, patient);
    return { id: patient.id, clinicId: patient.clinicId, patientId: patient.id };
  }
}

describe('audit: read auditing, append-only log, retention, admin listing', () => {
  let app: INestApplication;
  let ds: DataSource;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentityApi({ controllers: [PatientReadProbe] });
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  const readsOf = (patientId: string) =>
    ds.getRepository(AuditEntry).find({ where: { action: 'patient.read', resourceId: patientId }, order: { id: 'ASC' } });

  it('@AuditRead leaves a row for every read: success, and not-found outside scope', async () => {
    const a = await newClinic(ds);
    const b = await newClinic(ds);
    const pa = await newPatient(ds, a.id);
    const pb = await newPatient(ds, b.id);

    await http()
      .get(`/v1/identity-probe/patients/${pa.id}`)
      .set(asStaff(app, Role.Nurse, a.id))
      .expect(200);
    // A scheduler of clinic A asking for clinic B's patient: indistinguishable from missing.
    const other = await http()
      .get(`/v1/identity-probe/patients/${pb.id}`)
      .set(asStaff(app, Role.Scheduler, a.id))
      .expect(404);
    expect(JSON.stringify(other.body)).not.toContain(b.id);
    // Patient A reading patient B's record: 404 too.
    await http()
      .get(`/v1/identity-probe/patients/${pb.id}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(404);
    await http()
      .get(`/v1/identity-probe/patients/${pa.id}`)
      .set(asPatient(app, pa.id, a.id))
      .expect(200);

    const rowsA = await readsOf(pa.id);
    expect(rowsA.map((r) => [r.actorRole, r.outcome, r.clinicId, r.patientId])).toEqual([
      ['nurse', 'success', a.id, pa.id],
      ['patient', 'success', a.id, pa.id],
    ]);
    const rowsB = await readsOf(pb.id);
    expect(rowsB.map((r) => [r.actorRole, r.outcome])).toEqual([
      ['scheduler', 'not-found'],
      ['patient', 'not-found'],
    ]);
    expect(rowsB.every((r) => r.detail === 'GET /v1/identity-probe/patients/:id')).toBe(true);
  });

  it('records role denials (authz.denied) without the read row', async () => {
    const a = await newClinic(ds);
    const pa = await newPatient(ds, a.id);
    const actor = bearer(app, { role: Role.Patient, patientId: pa.id, clinicIds: [a.id] });
    await http().get('/v1/audit').set(actor).expect(403);
    const denied = await ds.getRepository(AuditEntry).find({ where: { action: 'authz.denied', actorRole: 'patient' } });
    expect(denied.some((d) => d.detail === 'GET /v1/audit (role)')).toBe(true);
  });

  it('the database refuses UPDATE and DELETE of audit rows', async () => {
    await app
      .get(AuditService)
      .record({ actorId: null, actorRole: 'system', action: 'test.immutable', resourceType: 'test', outcome: 'success' });
    await expect(ds.query("UPDATE audit_entry SET outcome = 'failure' WHERE action = 'test.immutable'")).rejects.toThrow(/append-only/);
    await expect(ds.query("DELETE FROM audit_entry WHERE action = 'test.immutable'")).rejects.toThrow(/append-only/);
    // Even inside the purge setting, UPDATE stays refused.
    await expect(
      ds.transaction(async (em) => {
        await em.query("SET LOCAL chairtime.audit_purge = 'on'");
        await em.query("UPDATE audit_entry SET outcome = 'failure' WHERE action = 'test.immutable'");
      }),
    ).rejects.toThrow(/append-only/);
    expect(await ds.getRepository(AuditEntry).count({ where: { action: 'test.immutable', outcome: 'success' } })).toBe(1);
  });

  it('purge-audit deletes only rows older than AUDIT_RETENTION_DAYS', async () => {
    const config = app.get<AppConfig>(APP_CONFIG);
    const old = new Date(Date.now() - (config.auditRetentionDays + 2) * 86_400_000);
    const recent = new Date(Date.now() - (config.auditRetentionDays - 2) * 86_400_000);
    await ds.getRepository(AuditEntry).insert([
      { at: old, actorId: null, actorRole: 'system', action: 'test.retention.old', resourceType: 'test', outcome: 'success' },
      { at: recent, actorId: null, actorRole: 'system', action: 'test.retention.recent', resourceType: 'test', outcome: 'success' },
    ]);
    const deleted = await app.get(AuditPurgeService).purge();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await ds.getRepository(AuditEntry).count({ where: { action: 'test.retention.old' } })).toBe(0);
    expect(await ds.getRepository(AuditEntry).count({ where: { action: 'test.retention.recent' } })).toBe(1);
    // The job handler runs the same purge (idempotent: nothing left to delete).
    await new PurgeAuditHandler(app.get(AuditPurgeService)).handle();
    // The purge setting did not leak to the pooled connection.
    await expect(ds.query("DELETE FROM audit_entry WHERE action = 'test.retention.recent'")).rejects.toThrow(/append-only/);
  });

  it('GET /v1/audit filters and pages newest first with a cursor', async () => {
    const a = await newClinic(ds);
    const audit = app.get(AuditService);
    for (let i = 0; i < 5; i++) {
      await audit.record({
        actorId: null,
        actorRole: 'system',
        action: 'test.paging',
        resourceType: 'test',
        resourceId: String(i),
        clinicId: a.id,
        outcome: 'success',
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: Record<string, string> = { clinicId: a.id, action: 'test.paging', limit: '2' };
      if (cursor) q.cursor = cursor;
      const res = await http().get('/v1/audit').query(q).set(asAdmin(app)).expect(200);
      seen.push(...res.body.items.map((i: { resourceId: string }) => i.resourceId));
      expect(res.body.items.every((i: { at: string }) => i.at.endsWith('Z'))).toBe(true);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['4', '3', '2', '1', '0']);
    expect(pages).toBe(3);
    await http().get('/v1/audit').query({ limit: '201' }).set(asAdmin(app)).expect(400);
    await http().get('/v1/audit').query({ cursor: 'garbage' }).set(asAdmin(app)).expect(400);
    await http().get('/v1/audit').query({ actorId: "'; DROP TABLE audit_entry; --" }).set(asAdmin(app)).expect(400);
    const future = await http().get('/v1/audit').query({ from: '2999-01-01T00:00:00Z' }).set(asAdmin(app)).expect(200);
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });
});

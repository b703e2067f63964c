import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource, EntityManager } from 'typeorm';
import { loadConfig } from '@chairtime/config';
import { CLOCK, FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { inTransaction } from '@chairtime/persistence';
import { AppointmentChange, AppointmentEvents } from '@chairtime/scheduling';
import { AssessmentService, PATIENT_NOTIFIER, PatientNotifier, UrgentPatientMessage } from '@chairtime/clinical';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http/configure-app';
import { asPatient, asStaff, withMintedUsers } from '../support/auth';
import { countRows, newAppointment, newClinic, newPatient } from '../support/clinical-factories';

const NOW = Date.parse('2027-03-02T13:00:00Z');

/**
 * Stand-in for the messaging library's notifier (an interface another area implements, not one
 * of our classes): it records each call and whether it ran inside the caller's transaction.
 */
class RecordingNotifier implements PatientNotifier {
  readonly calls: { message: UrgentPatientMessage; inTransaction: boolean }[] = [];
  async sendUrgent(em: EntityManager, message: UrgentPatientMessage): Promise<void> {
    this.calls.push({ message, inTransaction: em.queryRunner?.isTransactionActive === true });
  }
}
const notifier = new RecordingNotifier();

@Global()
@Module({ providers: [{ provide: PATIENT_NOTIFIER, useValue: notifier }], exports: [PATIENT_NOTIFIER] })
class FakeMessagingModule {}

describe('safety escalation and concurrency (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof request>;
  let clinicId: string;

  beforeAll(async () => {
    const moduleRef = await withMintedUsers(Test.createTestingModule({ imports: [FakeMessagingModule, ApiModule] }))
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, loadConfig());
    await app.init();
    ds = app.get(DataSource);
    http = request(app.getHttpServer());
    clinicId = (await newClinic(ds)).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 9 > 0: the task and the crisis message are raised in the request transaction', async () => {
    const p = await newPatient(ds, clinicId);
    await http
      .post(`/v1/patients/${p.id}/assessments`)
      .set(asPatient(app, p.id, clinicId))
      .send({ instrument: 'PHQ-9', answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] })
      .expect(201);
    expect(notifier.calls).toContainEqual({
      message: { clinicId, patientId: p.id, kind: 'crisis-resources', reason: 'safety-escalation' },
      inTransaction: true,
    });
    expect(await ds.query("SELECT count(*)::int AS n FROM task WHERE patient_id = $1 AND kind = 'safety-escalation'", [p.id])).toEqual([
      { n: 1 },
    ]);
  });

  it('recordAssessment from a check-in with suicidalThoughts escalates; a rollback takes the task with it', async () => {
    const service = app.get(AssessmentService);
    const p = await newPatient(ds, clinicId);
    const view = await inTransaction(ds, (em) =>
      service.recordAssessment(em, {
        clinicId,
        patientId: p.id,
        instrument: 'GAD-7',
        answers: [0, 0, 0, 0, 0, 0, 0],
        source: 'check-in',
        suicidalThoughts: true,
      }),
    );
    expect(view.safetyTaskId).toBeDefined();
    expect(view).not.toHaveProperty('item9Positive');

    const q = await newPatient(ds, clinicId);
    const tasksBefore = await countRows(ds, 'task');
    await expect(
      inTransaction(ds, async (em) => {
        await service.recordAssessment(em, {
          clinicId,
          patientId: q.id,
          instrument: 'PHQ-9',
          answers: [0, 0, 0, 0, 0, 0, 0, 0, 1],
          source: 'check-in',
        });
        throw new Error('caller failed later');
      }),
    ).rejects.toThrow('caller failed later');
    expect(await countRows(ds, 'task')).toBe(tasksBefore);
  });

  it('two nurses checking in the same visit at once: exactly one wins, the other gets 409', async () => {
    const p = await newPatient(ds, clinicId);
    const id = (await newAppointment(ds, { clinicId, patientId: p.id, startsAt: new Date(NOW + 30 * 60_000) })).id;
    const nurse = asStaff(app, Role.Nurse, clinicId);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => http.post(`/v1/appointments/${id}/check-in`).set(nurse).send({ intoxicated: false })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
  });

  it('day-of changes are emitted on AppointmentEvents inside the transaction', async () => {
    const seen: { type: string; id: string; inTransaction: boolean }[] = [];
    app.get(AppointmentEvents).register({
      onAppointmentsChanged: async (em: EntityManager, changes: AppointmentChange[]) => {
        for (const c of changes)
          seen.push({ type: c.type, id: c.appointment.id, inTransaction: em.queryRunner?.isTransactionActive === true });
      },
    });
    const p = await newPatient(ds, clinicId);
    const id = (await newAppointment(ds, { clinicId, patientId: p.id, startsAt: new Date(NOW + 30 * 60_000) })).id;
    const nurse = asStaff(app, Role.Nurse, clinicId);
    await http.put(`/v1/appointments/${id}/ride`).set(nurse).send({ status: 'rideshare' }).expect(200);
    await http.post(`/v1/appointments/${id}/check-in`).set(nurse).send({ intoxicated: false }).expect(200);
    expect(seen.filter((s) => s.id === id)).toEqual([
      { type: 'ride-updated', id, inTransaction: true },
      { type: 'checked-in', id, inTransaction: true },
    ]);
  });
});

import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { JobName } from '@chairtime/jobs';
import { Role } from '@chairtime/identity';
import { PlanMessagesHandler, planJobId } from '@chairtime/messaging';
import { asStaff } from '../support/auth';
import { at, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';
import { messagesOf, planBookedMessages, setConsent } from '../support/messaging-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-10';

/**
 * Visits just booked are planned by the worker's plan-messages job: the booking commits the job
 * with its visits, and the job plans each visit once, from what the visit is when it runs.
 */
describe('plan-messages: the messages of visits just booked (real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let clinic: SchedClinic;
  let auth: { Authorization: string };
  let hour = 8;

  beforeAll(async () => {
    app = await startSchedulingApi(new FixedClock(NOW));
    ds = app.get(DataSource);
    clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 4, nurses: 4, settings: { requireScreeningApproval: false } });
    auth = asStaff(app, Role.Scheduler, clinic.id);
  });
  afterAll(async () => app.close());

  /** Books an IV infusion (a fresh hour each time) for a patient who consented to every channel. */
  const book = async (): Promise<{ id: string; patientId: string }> => {
    const patientId = await seedPatient(ds, clinic.id);
    await setConsent(ds, patientId, { sms: true, email: true });
    const res = await request(app.getHttpServer())
      .post('/v1/appointments')
      .set(auth)
      .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: at(DAY, `${String(hour++).padStart(2, '0')}:00`) });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, patientId };
  };
  const planJobs = async (id: string) =>
    ds.query<{ payload: unknown; done_at: Date | null }[]>(
      `SELECT payload, done_at FROM outbox_entry WHERE job_name = $1 AND job_id = $2`,
      [JobName.PlanMessages, planJobId([id])],
    );
  const rideJobs = async (id: string): Promise<number> => {
    const [r] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM outbox_entry WHERE job_name = $1 AND payload->>'appointmentId' = $2`,
      [JobName.RideCheck, id],
    );
    return Number(r.n);
  };

  it('a booking commits one plan-messages job (ids only) and no messages; the job plans them once, however often it runs', async () => {
    const { id } = await book();
    // Ids and the booking's time (the clock's now), nothing about the patient.
    expect(await planJobs(id)).toEqual([{ payload: { appointmentIds: [id], bookedAt: NOW }, done_at: null }]);
    expect(await messagesOf(ds, id)).toEqual([]);

    expect(await planBookedMessages(app)).toBeGreaterThanOrEqual(1);
    const planned = await messagesOf(ds, id);
    // The default plan's per-visit messages of an IV infusion, all pending.
    expect(planned.map((m) => m.kind).sort()).toEqual(
      [
        'booking-confirmation',
        'final-reminder',
        'next-day-check-in',
        'preparation',
        'reminder',
        'ride-request',
        'side-effects-check-in',
      ].sort(),
    );
    expect(planned.every((m) => m.status === 'scheduled')).toBe(true);
    expect(await rideJobs(id)).toBe(2);

    // A second delivery (a worker that died before closing the job, a duplicate) changes nothing.
    const handler = app.get(PlanMessagesHandler);
    const again = { appointmentIds: [id], bookedAt: NOW };
    await handler.handle(again);
    await Promise.all([handler.handle(again), handler.handle(again)]);
    expect(await messagesOf(ds, id)).toEqual(planned);
    expect(await rideJobs(id)).toBe(2);
  });

  it('a visit moved before the job ran keeps the one set its move planned; a cancelled one gets none', async () => {
    const moved = await book();
    const res = await request(app.getHttpServer())
      .post(`/v1/appointments/${moved.id}/reschedule`)
      .set(auth)
      .send({ startsAt: at(DAY, '18:00') });
    expect(res.status).toBe(200);
    const afterMove = await messagesOf(ds, moved.id);
    expect(afterMove.length).toBe(7);

    const cancelled = await book();
    expect(
      (await request(app.getHttpServer()).post(`/v1/appointments/${cancelled.id}/cancel`).set(auth).send({ reason: 'test' })).status,
    ).toBe(200);

    await planBookedMessages(app);
    expect(await messagesOf(ds, moved.id)).toEqual(afterMove);
    expect(await messagesOf(ds, cancelled.id)).toEqual([]);
    expect(await rideJobs(cancelled.id)).toBe(0);
  });

  it('plans the visit as it is when the job runs (a ride confirmed meanwhile: no ride checks), as of the booking time', async () => {
    const { id } = await book();
    await ds.query(`UPDATE appointment SET ride_status = 'confirmed', version = version + 1 WHERE id = $1`, [id]);
    // A job carrying a booking time five minutes before the clock's now (a worker's clock ahead, say).
    const bookedAt = NOW - 5 * 60_000;
    await app.get(PlanMessagesHandler).handle({ appointmentIds: [id], bookedAt });
    const [{ version }] = await ds.query<{ version: number }[]>(`SELECT version FROM appointment WHERE id = $1`, [id]);
    const rows = await ds.query<{ appointment_version: number }[]>(`SELECT appointment_version FROM message WHERE appointment_id = $1`, [
      id,
    ]);
    expect(rows.length).toBe(7);
    expect(rows.every((r) => r.appointment_version === version)).toBe(true);
    expect(await rideJobs(id)).toBe(0);
    // The confirmation is planned from the booking's time, not the worker's (quiet hours may delay its send).
    const [confirmation] = await ds.query<{ planned_at: Date }[]>(
      `SELECT planned_at FROM message WHERE appointment_id = $1 AND kind = 'booking-confirmation'`,
      [id],
    );
    expect(confirmation.planned_at.getTime()).toBe(bookedAt);
  });

  it('a booking refused (409) leaves no plan-messages job', async () => {
    const { id } = await book();
    const [{ starts_at: startsAt, chair_id: chairId }] = await ds.query<{ starts_at: Date; chair_id: string }[]>(
      `SELECT starts_at, chair_id FROM appointment WHERE id = $1`,
      [id],
    );
    const [before] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM outbox_entry WHERE job_name = $1`, [JobName.PlanMessages]);
    const res = await request(app.getHttpServer())
      .post('/v1/appointments')
      .set(auth)
      .send({
        patientId: await seedPatient(ds, clinic.id),
        clinicId: clinic.id,
        kind: 'iv-infusion',
        startsAt: startsAt.toISOString(),
        chairId,
      });
    expect(res.status).toBe(409);
    const [after] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM outbox_entry WHERE job_name = $1`, [JobName.PlanMessages]);
    expect(after.n).toBe(before.n);
  });
});

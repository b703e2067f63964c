import { INestApplication } from '@nestjs/common';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@chairtime/identity';
import { SystemClock } from '@chairtime/domain';
import { asStaff } from '../support/auth';
import { AppProcess } from '../support/processes';
import { scratchDatabase } from '../support/scratch-database';
import { seedClinic, seedPatient, startSchedulingApi } from '../support/scheduling-factories';
import { waitFor } from '../support/messaging-factories';

const ZONE = 'America/New_York';
const VISITS = 20;
const MESSAGES_PER_VISIT = 10;
const TOTAL = VISITS * MESSAGES_PER_VISIT;

/**
 * Fault: the compiled worker is killed with SIGKILL while it is sending. After a new worker
 * starts, every due message is sent exactly once — counted in the message table and in the send
 * ledger (one ledger row per message, the guard written before the provider call).
 */
describe('fault: worker kill -9 mid-dispatch', () => {
  let db: { url: string; drop: () => Promise<void> };
  let api: INestApplication;
  let ds: DataSource;
  const prefix = `{ct-fault-${Date.now().toString(36)}}`;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    db = await scratchDatabase();
    api = await startSchedulingApi(new SystemClock(), { DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    ds = api.get(DataSource);
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await api?.close();
    await db?.drop();
  });

  const counts = async (): Promise<{ sent: number; ledger: number; other: number }> => {
    const [row] = await ds.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status NOT IN ('sent', 'scheduled'))::int AS other,
              (SELECT count(*)::int FROM send_ledger) AS ledger
         FROM message`,
    );
    return row;
  };

  it('sends every due message exactly once across a SIGKILL and a restart', async () => {
    const now = DateTime.now().setZone(ZONE);
    const clinic = await seedClinic(ds, {
      zone: ZONE,
      fromDate: now.toISODate() as string,
      days: 2,
      chairs: VISITS,
      nurses: VISITS,
      opens: '00:00',
      closes: '24:00',
      settings: { quietHours: { from: '00:00', to: '00:00' }, requireScreeningApproval: false },
    });
    const sched = asStaff(api, Role.Scheduler, clinic.id);
    // The next 15-minute grid start at least 3 minutes ahead; messages due 6–15 s from now.
    const minutes = now.plus({ minutes: 3 });
    const start = minutes.startOf('hour').plus({ minutes: Math.ceil((minutes.minute + 1) / 15) * 15 });
    const lead = Math.floor((start.toMillis() - Date.now()) / 1000);
    const plan = Array.from({ length: MESSAGES_PER_VISIT }, (_, i) => ({
      kind: 'reminder',
      visitKinds: ['iv-infusion'],
      offset: `-PT${lead - 6 - i}S`,
      anchor: 'start',
    }));
    await request(api.getHttpServer()).put(`/v1/clinics/${clinic.id}/message-plan`).set(sched).send(plan).expect(200);
    for (let i = 0; i < VISITS; i++) {
      const patientId = await seedPatient(ds, clinic.id);
      await request(api.getHttpServer())
        .post('/v1/appointments')
        .set(sched)
        .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: start.toUTC().toISO(), chairId: clinic.chairIds[i] })
        .expect(201);
    }
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM message WHERE status = 'scheduled'`);
    expect(n).toBe(TOTAL);

    const env = { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: prefix, NODE_ENV: 'test', DEMO_SEED: 'false' };
    const first = new AppProcess('worker', env);
    workers.push(first);
    first.start();
    await first.waitForOutput(/chairtime-worker running/);
    await waitFor(async () => (await counts()).sent >= 30, 40_000, 20);
    await first.kill9();
    const atKill = await counts();
    process.stdout.write(`[fault] worker SIGKILL after ${atKill.sent}/${TOTAL} sent (ledger ${atKill.ledger})\n`);
    expect(atKill.sent).toBeLessThan(TOTAL); // the kill landed mid-dispatch

    const second = new AppProcess('worker', env);
    workers.push(second);
    second.start();
    await second.waitForOutput(/chairtime-worker running/);
    // Jobs the killed worker held are retried once BullMQ sees them stalled (lock 10 s, check every 5 s).
    await waitFor(async () => (await counts()).sent === TOTAL, 90_000, 100);
    const after = await counts();
    const [{ dup }] = await ds.query(
      `SELECT count(*)::int AS dup FROM (SELECT message_id FROM send_ledger GROUP BY message_id HAVING count(*) > 1) d`,
    );
    process.stdout.write(
      `[fault] after restart: sent ${after.sent}/${TOTAL}, ledger rows ${after.ledger}, duplicates ${dup}, other ${after.other}\n`,
    );
    expect(after).toEqual({ sent: TOTAL, ledger: TOTAL, other: 0 });
    expect(dup).toBe(0);
  });
});

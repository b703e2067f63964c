/// <reference types="node" />
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Clock } from '@chairtime/domain';
import { buildDataSourceOptions } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';
import { enqueue, JobName } from '@chairtime/jobs';
import { AppointmentEvents, Appointment } from '@chairtime/scheduling';
import { MessageSchedulerListener, sendJobId } from '@chairtime/messaging';
import { seedClinic, seedPatient } from '../test/support/scheduling-factories';
import { startWorker, waitFor } from '../test/support/messaging-factories';

/**
 * Messages at scale, against the run's Postgres and Redis with the real worker in-process.
 * 1. Planning + relay: 10,000 booked iv-infusion visits (one per patient, 3–40 days ahead) get
 *    the default plan through the listener (message rows + outbox jobs, batches of 500 visits per
 *    transaction); then the worker's relay pushes every job to BullMQ. Reports seconds for both,
 *    the job count, and Redis used_memory delta per pending (delayed) job.
 * 2. Dispatch: 5,000 messages due now through the log channel; messages/s and lateness
 *    (sent_at − send_at) p50/p99.
 */
const VISITS = 10_000;
const DUE_NOW = 5_000;
const realClock: Clock = { now: () => Date.now() };

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function pendingOutbox(ds: DataSource): Promise<number> {
  const [r] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM outbox_entry WHERE relayed_at IS NULL`);
  return Number(r.n);
}

/** Runs the benchmark and returns its numbers. */
export async function run(): Promise<Record<string, number>> {
  const ds = new DataSource(
    buildDataSourceOptions({ databaseUrl: process.env.DATABASE_URL as string, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 4 }),
  );
  await ds.initialize();
  const redis = new Redis(process.env.REDIS_URL as string);
  let worker: INestApplicationContext | undefined;
  try {
    const today = new Date().toISOString().slice(0, 10);
    const clinic = await seedClinic(ds, {
      fromDate: today,
      days: 1,
      chairs: 1,
      nurses: 1,
      settings: { quietHours: { from: '00:00', to: '00:00' } },
    });
    const patient = await seedPatient(ds, clinic.id);
    await ds.query(`UPDATE patient SET consent = '{"sms": true, "email": true}' WHERE id = $1`, [patient]);
    // One template patient copied: the patient exclusion constraint needs a patient per visit.
    await ds.query(
      `INSERT INTO patient (clinic_id, given_name, family_name, birth_date, contact_preference, consent)
       SELECT clinic_id, given_name, family_name || g, birth_date, contact_preference, consent FROM patient, generate_series(1, $2) g WHERE id = $1`,
      [patient, VISITS - 1],
    );
    await ds.query(
      `INSERT INTO appointment (clinic_id, patient_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, ride_status)
       SELECT $1, p.id, 'iv-infusion', s, s + interval '150 minutes', s + interval '160 minutes',
              tstzrange(s, s + interval '160 minutes', '[)'), tstzrange(s, s + interval '150 minutes', '[)'), 'booked', 'unconfirmed'
       FROM (SELECT id, date_trunc('hour', now()) + interval '3 days' + (row_number() OVER () % 900) * interval '1 hour' AS s
             FROM patient WHERE clinic_id = $1) p`,
      [clinic.id],
    );
    const listener = new MessageSchedulerListener(realClock, new AppointmentEvents());
    const appts = await ds.getRepository(Appointment).find({ where: { clinicId: clinic.id } });
    const t0 = performance.now();
    for (let i = 0; i < appts.length; i += 500) {
      await ds.transaction(async (em) => {
        for (const a of appts.slice(i, i + 500)) await listener.plan(em, [a]);
      });
    }
    const planSeconds = (performance.now() - t0) / 1000;
    const jobs = await pendingOutbox(ds);
    const memBefore = await usedMemory(redis);
    const t1 = performance.now();
    worker = await startWorker(realClock);
    await waitFor(async () => (await pendingOutbox(ds)) === 0, 600_000, 200);
    const relaySeconds = (performance.now() - t1) / 1000;
    const memPerJobBytes = Math.round(((await usedMemory(redis)) - memBefore) / jobs);

    // Dispatch: messages due now, with their send jobs, written like the listener writes them.
    const visit = appts[0];
    const rows = await ds.query<{ id: string; send_at: Date }[]>(
      `INSERT INTO message (clinic_id, patient_id, appointment_id, kind, channel, anchor, "offset", planned_at, send_at, status, appointment_version)
       SELECT $1, $2, $3, 'reminder', 'sms', 'start', '-PT' || g || 'S', now() + g * interval '1 ms', now() + interval '2 seconds', 'scheduled', 1
       FROM generate_series(1, $4) g RETURNING id, send_at`,
      [clinic.id, visit.patientId, visit.id, DUE_NOW],
    );
    await ds.transaction(async (em) => {
      for (const r of rows) {
        await enqueue(em, {
          name: JobName.SendMessage,
          jobId: sendJobId(r.id),
          payload: { messageId: r.id },
          runAt: r.send_at,
          clinicId: clinic.id,
        });
      }
    });
    const t2 = performance.now();
    const sentCount = async () =>
      Number(
        (
          await ds.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM message WHERE appointment_id = $1 AND status = 'sent' AND kind = 'reminder' AND "offset" LIKE '-PT%S'`,
            [visit.id],
          )
        )[0].n,
      );
    await waitFor(async () => (await sentCount()) >= DUE_NOW, 600_000, 200);
    const dispatchSeconds = (performance.now() - t2) / 1000;
    const [lat] = await ds.query<{ p50: number; p99: number }[]>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p99
       FROM message WHERE id = ANY($1)`,
      [rows.map((r) => r.id)],
    );
    return {
      visits: VISITS,
      jobs,
      planSeconds: round(planSeconds),
      relaySeconds: round(relaySeconds),
      redisBytesPerPendingJob: memPerJobBytes,
      dispatchMessagesPerSecond: round(DUE_NOW / dispatchSeconds),
      latenessP50Seconds: round(Number(lat.p50)),
      latenessP99Seconds: round(Number(lat.p99)),
    };
  } finally {
    await worker?.close();
    redis.disconnect();
    await ds.destroy();
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

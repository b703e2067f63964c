/// <reference types="node" />
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Clock } from '@chairtime/domain';
import { buildDataSourceOptions } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';
import { Client } from 'pg';
import { enqueueMany, JobName } from '@chairtime/jobs';
import { AppointmentEvents, Appointment } from '@chairtime/scheduling';
import { MessageSchedulerListener, sendJobId } from '@chairtime/messaging';
import { seedClinic, seedPatient } from '../test/support/scheduling-factories';
import { startWorker, waitFor } from '../test/support/messaging-factories';
import { AppProcess } from '../test/support/processes';
import { postgresCpuMs, postgresCpuSince } from './support/postgres-cpu';

/**
 * Messages at scale, against the run's Postgres and Redis with the real worker in-process.
 * 1. Planning + relay: 10,000 booked iv-infusion visits (one per patient, 3–40 days ahead) get
 *    the default plan through the listener (message rows + outbox jobs, batches of 500 visits per
 *    transaction); then the worker's relay pushes every job to BullMQ. Reports seconds for both,
 *    the job count, and Redis used_memory delta per pending (delayed) job.
 * 2. Dispatch through the log channel: a burst of 5,000 messages due at one instant gives
 *    throughput (messages/s), the worker, Postgres and Redis CPU ms per message and (worker in-process)
 *    the statements the worker sent per message; 300 messages a second for 10 s, below capacity,
 *    give lateness (sent_at − send_at) p50/p99 as patients would see it. CPU and statements are
 *    counted from when the due messages are written (relay and sends), not the writing itself.
 * MESSAGES_WORKERS=N runs N compiled worker processes (`dist/`) instead of the in-process one —
 * the product's scaling story; MESSAGES_VISITS shrinks part 1 for a quick dispatch comparison.
 */
const VISITS = Number(process.env.MESSAGES_VISITS ?? 10_000);
const WORKERS = Number(process.env.MESSAGES_WORKERS ?? 0);
/** Node flags for those processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile dispatch. */
const WORKER_NODE_ARGS = (process.env.MESSAGES_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const BURST = 5_000;
/** Steady dispatch: messages falling due per second (the throughput target by default). */
const STEADY_RATE = Number(process.env.MESSAGES_STEADY_RATE ?? 1_000);
const STEADY_SECONDS = 10;
/** Time given to write and relay the due messages before the first is due. */
const LEAD_MS = 3_000;
const realClock: Clock = { now: () => Date.now() };

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** CPU ms Redis has used so far (all its clients: on a shared machine, others' work counts too). */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
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
  const procs: AppProcess[] = [];
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
    // Statistics as a database in service has them after such a load (autovacuum would analyze
    // the grown tables; the bench's Postgres may run without it), so the workers' prepared
    // statements are planned for tens of thousands of messages, not for the tables as an earlier
    // benchmark of the same run left them.
    await ds.query('ANALYZE');
    const jobs = await pendingOutbox(ds);
    const memBefore = await usedMemory(redis);
    const t1 = performance.now();
    if (WORKERS > 0) {
      for (let i = 0; i < WORKERS; i++) procs.push(new AppProcess('worker', { LOG_LEVEL: 'warn' }, WORKER_NODE_ARGS));
      for (const p of procs) p.start();
      for (const p of procs) await p.waitForOutput(/chairtime-worker running/, 60_000);
    } else {
      worker = await startWorker(realClock);
    }
    /** CPU ms used so far by the process(es) dispatching. */
    const workerCpuMs = (): number =>
      WORKERS > 0 ? procs.reduce((sum, p) => sum + (p.cpuMs() ?? 0), 0) : (process.cpuUsage().user + process.cpuUsage().system) / 1000;
    await waitFor(async () => (await pendingOutbox(ds)) === 0, 600_000, 200);
    const relaySeconds = (performance.now() - t1) / 1000;
    const memPerJobBytes = Math.round(((await usedMemory(redis)) - memBefore) / jobs);

    // Dispatch, twice over the same visit. Burst: BURST messages all due at one instant, for
    // throughput (sent ÷ time from that instant to the last send). Steady: STEADY_RATE messages a
    // second (1,000 by default: the throughput target) for STEADY_SECONDS, for lateness — a
    // burst's lateness only measures its queue length.
    const visit = appts[0];
    const burst = await dueMessages(ds, visit, clinic.id, BURST, 0);
    const cpuBefore = workerCpuMs();
    const pgBefore = await postgresCpuMs(ds, 'chairtime-worker');
    const statementsBefore = workerStatements;
    const redisBefore = await redisCpuMs(redis);
    await waitFor(async () => (await sentCount(ds, burst.ids)) >= BURST, 600_000, 200);
    const cpuMsPerMessage = (workerCpuMs() - cpuBefore) / BURST;
    const statementsPerMessage = (workerStatements - statementsBefore) / BURST;
    const redisCpuMsPerMessage = ((await redisCpuMs(redis)) - redisBefore) / BURST;
    const pgAfter = await postgresCpuMs(ds, 'chairtime-worker');
    const pgCpuMs = postgresCpuSince(pgBefore, pgAfter);
    const [b] = await ds.query<{ seconds: number; p99: number }[]>(
      `SELECT extract(epoch FROM max(sent_at) - min(send_at)) AS seconds,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p99
       FROM message WHERE id = ANY($1)`,
      [burst.ids],
    );
    const steady = await dueMessages(ds, visit, clinic.id, STEADY_RATE * STEADY_SECONDS, STEADY_SECONDS * 1000);
    await waitFor(async () => (await sentCount(ds, steady.ids)) >= steady.ids.length, 600_000, 200);
    const [lat] = await ds.query<{ p50: number; p99: number }[]>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p99
       FROM message WHERE id = ANY($1)`,
      [steady.ids],
    );
    return {
      workerProcesses: WORKERS,
      visits: VISITS,
      jobs,
      planSeconds: round(planSeconds),
      relaySeconds: round(relaySeconds),
      redisBytesPerPendingJob: memPerJobBytes,
      burstMessages: BURST,
      burstMessagesPerSecond: round(BURST / Number(b.seconds)),
      burstLatenessP99Seconds: round(Number(b.p99)),
      workerCpuMsPerMessage: round(cpuMsPerMessage),
      postgresCpuMsPerMessage: round(pgCpuMs / BURST),
      redisCpuMsPerMessage: round(redisCpuMsPerMessage),
      ...(WORKERS === 0 ? { workerStatementsPerMessage: round(statementsPerMessage) } : {}),
      steadyMessagesPerSecond: STEADY_RATE,
      steadyLatenessP50Seconds: round(Number(lat.p50)),
      steadyLatenessP99Seconds: round(Number(lat.p99)),
    };
  } finally {
    await worker?.close();
    await Promise.all(procs.map((p) => p.stop()));
    redis.disconnect();
    await ds.destroy();
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

let planned = 0;

/**
 * Statements sent by the in-process worker's connections (application_name `chairtime-worker`),
 * counted where pg sends them; the benchmark's own connections are not counted.
 */
let workerStatements = 0;
const clientQuery = Client.prototype.query;
Client.prototype.query = function (this: Client & { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
  if (this.connectionParameters?.application_name === 'chairtime-worker') workerStatements++;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof Client.prototype.query;

/**
 * `count` reminder messages of `visit` with their send jobs, written like the listener writes
 * them; the first is due LEAD_MS from now and the rest spread evenly over `spreadMs`.
 */
async function dueMessages(
  ds: DataSource,
  visit: Appointment,
  clinicId: string,
  count: number,
  spreadMs: number,
): Promise<{ ids: string[] }> {
  const rows = await ds.query<{ id: string; send_at: Date }[]>(
    `INSERT INTO message (clinic_id, patient_id, appointment_id, kind, channel, anchor, "offset", planned_at, send_at, status, appointment_version,
       not_after)
     SELECT $1, $2, $3, 'reminder', 'sms', 'start', '-PT' || g || 'S', now() + ($7 + g) * interval '1 ms',
            now() + $5 * interval '1 ms' + (g - 1) * ($6 / $4::float) * interval '1 ms', 'scheduled', 1, now() + interval '1 day'
     FROM generate_series(1, $4) g RETURNING id, send_at`,
    // Planned times (hence ledger keys) never repeat: each call starts after the previous one's.
    [clinicId, visit.patientId, visit.id, count, LEAD_MS, spreadMs, planned],
  );
  await ds.transaction(async (em) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await enqueueMany(
        em,
        rows
          .slice(i, i + 1000)
          .map((r) => ({ name: JobName.SendMessage, jobId: sendJobId(r.id), payload: { messageId: r.id }, runAt: r.send_at, clinicId })),
      );
    }
  });
  planned += count;
  return { ids: rows.map((r) => r.id) };
}

async function sentCount(ds: DataSource, ids: string[]): Promise<number> {
  const [r] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM message WHERE id = ANY($1) AND status = 'sent'`, [ids]);
  return Number(r.n);
}

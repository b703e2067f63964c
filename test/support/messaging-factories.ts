import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { PlanMessagesHandler } from '@chairtime/messaging';
import { WorkerModule } from '../../apps/worker/src/worker.module';

/** The real worker module (optionally with a test clock) started in-process (relay, processors, handlers) against the run's Postgres and Redis. */
export async function startWorker(clock?: Clock, env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const builder = Test.createTestingModule({ imports: [WorkerModule] });
    // The same clock as the API: BullMQ delays are runAt − clock.now().
    if (clock) builder.overrideProvider(CLOCK).useValue(clock);
    const moduleRef = await builder.compile();
    await moduleRef.init();
    return moduleRef;
  } finally {
    process.env = saved;
  }
}

/** Polls `probe` until it returns true or `timeoutMs` passes (no fixed sleeps in the tests). */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 20_000, stepMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Message statuses of a visit, ordered by send time. */
export async function messagesOf(
  ds: DataSource,
  appointmentId: string,
): Promise<{ kind: string; status: string; skip_reason: string | null; sent_at: Date | null; send_at: Date }[]> {
  return ds.query(`SELECT kind, status, skip_reason, sent_at, send_at FROM message WHERE appointment_id = $1 ORDER BY send_at, kind`, [
    appointmentId,
  ]);
}

/** Sets a patient's channel consent. */
export async function setConsent(ds: DataSource, patientId: string, consent: { sms: boolean; email: boolean }): Promise<void> {
  await ds.query(`UPDATE patient SET consent = $2 WHERE id = $1`, [patientId, JSON.stringify(consent)]);
}

/**
 * Does what the worker does with the `plan-messages` jobs bookings enqueued: runs each open one
 * through its handler and closes its outbox row. Tests without a worker call it after booking to
 * see the visits' messages.
 *
 * @returns how many jobs it ran
 */
export async function planBookedMessages(app: INestApplicationContext): Promise<number> {
  const ds = app.get(DataSource);
  const handler = app.get(PlanMessagesHandler);
  const jobs = await ds.query<{ job_id: string; payload: { appointmentIds: string[]; bookedAt: number } }[]>(
    `SELECT job_id, payload FROM outbox_entry WHERE job_name = 'plan-messages' AND op = 'add' AND done_at IS NULL ORDER BY id`,
  );
  for (const job of jobs) {
    await handler.handle(job.payload);
    // Closed unless a worker's relay holds the row (it is handing it to Redis): that worker then runs
    // it too, finds the visits planned and closes it.
    await ds.query(
      `UPDATE outbox_entry SET done_at = now()
        WHERE id IN (SELECT id FROM outbox_entry WHERE job_id = $1 AND op = 'add' AND done_at IS NULL FOR UPDATE SKIP LOCKED)`,
      [job.job_id],
    );
  }
  return jobs.length;
}

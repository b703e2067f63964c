import { EntityManager } from 'typeorm';
// Not the library's index: that one reaches the entity registry, which imports this library's
// OutboxEntry before it is defined.
import { txQuery } from '@chairtime/persistence/prepared-query';
import { JOB_QUEUE, JobName, JobPayloads } from '../queues';
import { OutboxEntry } from './outbox-entry.entity';

/** One job to write into the outbox. */
export interface OutboxJob<N extends JobName = JobName> {
  name: N;
  jobId: string;
  payload: JobPayloads[N];
  runAt?: Date | null;
  clinicId?: string | null;
}

/**
 * Writes jobs into the caller's transaction. Nothing touches Redis here: if the transaction rolls
 * back, the job never existed; if it commits, the relay delivers it even across a Redis outage.
 */
export async function enqueue<N extends JobName>(em: EntityManager, job: OutboxJob<N>): Promise<void> {
  await enqueueMany(em, [job]);
}

/**
 * `enqueue` for many jobs in one INSERT: a change that plans dozens of jobs pays one round trip.
 * Prepared (the text is the same for any number of jobs): every booking enqueues.
 */
export async function enqueueMany(em: EntityManager, jobs: OutboxJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await txQuery(em, 'outbox-enqueue', outboxInsertSql(1), outboxInsertParams(jobs));
}

/**
 * The INSERT of {@link enqueueMany}, also to embed in a larger statement (a data-modifying WITH)
 * that saves a round trip on a hot path. It reads six arrays, starting at
 * parameter `$first`, in the order {@link outboxInsertParams} gives them.
 */
export const outboxInsertSql = (first: number): string => {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO outbox_entry (clinic_id, op, queue, job_name, job_id, payload, run_at)
    SELECT j.clinic_id, 'add', j.queue, j.job_name, j.job_id, j.payload::jsonb, j.run_at
    FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::timestamptz[])
      AS j(clinic_id, queue, job_name, job_id, payload, run_at)`;
};

/** The six parameter arrays of {@link outboxInsertSql} for `jobs`. */
export function outboxInsertParams(jobs: OutboxJob[]): unknown[] {
  return [
    jobs.map((j) => j.clinicId ?? null),
    jobs.map((j) => JOB_QUEUE[j.name]),
    jobs.map((j) => j.name),
    jobs.map((j) => j.jobId),
    jobs.map((j) => JSON.stringify(j.payload)),
    jobs.map((j) => j.runAt ?? null),
  ];
}

/**
 * Supersedes pending jobs: their outbox rows are closed (so the reconciler never revives them)
 * and a removal is queued for the relay. The handler still re-reads state before acting, because
 * a removal can race a job that is already running.
 */
export async function cancelJobs(em: EntityManager, name: JobName, jobIds: string[], clinicId?: string | null): Promise<void> {
  if (jobIds.length === 0) return;
  await em
    .createQueryBuilder()
    .update(OutboxEntry)
    .set({ doneAt: () => 'now()' })
    .where('job_id IN (:...jobIds) AND done_at IS NULL AND op = :op', { jobIds, op: 'add' })
    .execute();
  await em.insert(
    OutboxEntry,
    jobIds.map((jobId) => ({
      op: 'remove' as const,
      queue: JOB_QUEUE[name],
      jobName: name,
      jobId,
      payload: {},
      runAt: null,
      clinicId: clinicId ?? null,
      doneAt: new Date(),
    })),
  );
}

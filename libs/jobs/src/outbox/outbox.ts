import { EntityManager } from 'typeorm';
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

/** `enqueue` for many jobs in one INSERT: a change that plans dozens of jobs pays one round trip. */
export async function enqueueMany(em: EntityManager, jobs: OutboxJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await em.insert(
    OutboxEntry,
    jobs.map((job) => ({
      op: 'add' as const,
      queue: JOB_QUEUE[job.name],
      jobName: job.name,
      jobId: job.jobId,
      payload: job.payload as never,
      runAt: job.runAt ?? null,
      clinicId: job.clinicId ?? null,
    })),
  );
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

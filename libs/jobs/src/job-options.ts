import type { JobsOptions } from 'bullmq';
import { JobName } from './queues';

interface Tuning {
  attempts: number;
  backoffMs: number;
  priority?: number;
}

const TUNING: Record<JobName, Tuning> = {
  [JobName.Reconcile]: { attempts: 3, backoffMs: 10_000 },
  [JobName.PurgeOutbox]: { attempts: 3, backoffMs: 60_000 },
  [JobName.PurgeAudit]: { attempts: 3, backoffMs: 60_000 },
  [JobName.ExpireMessages]: { attempts: 3, backoffMs: 30_000 },
  [JobName.PurgeIdempotencyKeys]: { attempts: 3, backoffMs: 60_000 },
  [JobName.ExpireHold]: { attempts: 5, backoffMs: 5_000 },
  // A visit without its plan gets no reminders: retried longer than a single send.
  [JobName.PlanMessages]: { attempts: 10, backoffMs: 2_000 },
  [JobName.SendMessage]: { attempts: 5, backoffMs: 5_000 },
  [JobName.RideCheck]: { attempts: 5, backoffMs: 5_000 },
  [JobName.OfferFreedTime]: { attempts: 5, backoffMs: 2_000 },
  [JobName.ExpireWaitlistOffer]: { attempts: 5, backoffMs: 5_000 },
};

/** A job id BullMQ accepts: BullMQ 6 refuses ':' in custom ids, so parts are joined with '-'. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('-');
}

/**
 * Retention of finished jobs, set on the workers rather than on each job: BullMQ applies a
 * worker's setting to every job that has none, and a per-job copy cost ~90 bytes of Redis for
 * every pending job. Completed jobs are trimmed by age and count so Redis does not fill up; failed
 * ones are kept a week for inspection in Bull Board.
 */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
} as const;

/**
 * The ONE place job options are decided: deterministic id (a re-enqueue of the same work is a
 * no-op while the first job exists), delay, and retries with exponential backoff. Only what a job
 * needs is set — every option is stored with every pending job (see {@link JOB_RETENTION}).
 */
export function jobOptions(name: JobName, id: string, runAt: number | undefined, now: number): JobsOptions {
  const t = TUNING[name];
  const opts: JobsOptions = { jobId: id, attempts: t.attempts, backoff: { type: 'exponential', delay: t.backoffMs } };
  if (runAt !== undefined && runAt > now) opts.delay = runAt - now;
  if (t.priority !== undefined) opts.priority = t.priority;
  return opts;
}

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
  [JobName.ExpireHold]: { attempts: 5, backoffMs: 5_000 },
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
 * The ONE place job options are decided: deterministic id (a re-enqueue of the same work is a
 * no-op while the first job exists), delay, retries with exponential backoff, and retention —
 * completed jobs are trimmed by age and count so Redis does not fill up; failed ones are kept a
 * week for inspection in Bull Board.
 */
export function jobOptions(name: JobName, id: string, runAt: number | undefined, now: number): JobsOptions {
  const t = TUNING[name];
  return {
    jobId: id,
    delay: runAt === undefined ? undefined : Math.max(0, runAt - now),
    attempts: t.attempts,
    backoff: { type: 'exponential', delay: t.backoffMs },
    priority: t.priority,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
  };
}
